import type { SingleBar } from 'cli-progress';
import { catalogue, type ProgressText } from '../i18n/index.js';
import { sanitize } from '../report/sanitize.js';
import { onFirstUse } from '../util/on-first-use.js';
import { renderBarLine } from './render.js';
import { Tally } from './tally.js';


export interface ProgressEvents {
  /** Called once when fetching starts. hosts: each host with how many URLs it has. */
  start(total: number, hosts: Map<string, number>): void;
  /** One URL finished. verdict of the fetch as far as known: 'ok' | 'failed' (network error or status ≥ 400). durationMs of that URL. */
  urlDone(host: string, url: string, outcome: 'ok' | 'failed', durationMs: number): void;
  /** All done or interrupted: stop the bar (leaving the terminal clean) and flush. */
  stop(): void;
}

export interface ProgressOptions {
  stream: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  quiet: boolean;
  lang: 'zh' | 'en';
  now?: () => number; // injectable clock for tests
  /** Masks secrets in a line before it is written (see util/redact); host names are already stripped of controls. */
  redact?: (text: string) => string;
}

type Stream = ProgressOptions['stream'];

/** Hosts listed by name in the interrupted line; the rest are counted. */
const MAX_HOSTS_LISTED = 10;

/** cli-progress (27 modules) is only needed to draw a bar on a terminal: loaded with the first bar. */
const cliProgress = onFirstUse<typeof import('cli-progress')>('cli-progress');

/**
 * Progress on `stream` (stderr): a bar on a terminal; in cron and CI one timestamped line per
 * finished host; nothing at all with `quiet`. Each call makes its own state. The display never
 * throws into the audit: a failing write or an out-of-order call is dropped.
 */
export function createProgress(options: ProgressOptions): ProgressEvents {
  if (options.quiet) return { start() {}, urlDone() {}, stop() {} };
  const text = catalogue(options.lang).progress;
  const clock = options.now ?? Date.now;
  const now = (): number => {
    const t = clock();
    return Number.isFinite(t) ? t : Date.now();
  };
  const redact = options.redact ?? ((line: string) => line);
  const events = options.stream.isTTY ? barProgress(options.stream, text, now, redact) : logProgress(options.stream, text, now, redact);
  return {
    start: (total, hosts) => swallow(() => events.start(total, hosts)),
    urlDone: (host, url, outcome, durationMs) => swallow(() => events.urlDone(host, url, outcome, durationMs)),
    stop: () => swallow(() => events.stop()),
  };
}

/**
 * The terminal bar, drawn by cli-progress: it redraws on its own timer at most `fps` times a
 * second, only when the line changed, and on stop moves to column 0 and clears the line.
 * The line itself is ours (see renderBarLine), rendered at draw time so the ETA stays current.
 */
function barProgress(stream: Stream, text: ProgressText, now: () => number, redact: (line: string) => string): ProgressEvents {
  let tally: Tally | undefined;
  let bar: SingleBar | undefined;
  let stopped = false;
  return {
    start(total, hosts) {
      if (tally || stopped) return;
      const t = new Tally(total, hosts, now());
      tally = t;
      if (t.total === 0) return;
      bar = new (cliProgress().SingleBar)({
        // cli-progress only writes strings and reads isTTY/columns; readline's cursor helpers do the same.
        stream: stream as unknown as NodeJS.WritableStream,
        format: (_options, params) => {
          try {
            return redact(renderBarLine(t.snapshot(now()), params.maxWidth, text));
          } catch {
            return `${t.done}/${t.total}`;
          }
        },
        fps: 10,
        clearOnComplete: true,
        stopOnComplete: false,
        // Our line already fits the width; leave the terminal's wrapping and cursor alone, so a
        // crash between start and stop cannot leave the terminal changed.
        linewrap: true,
        hideCursor: false,
        gracefulExit: false,
      });
      bar.start(t.total, 0);
    },
    urlDone(host, _url, outcome, durationMs) {
      if (!tally || stopped) return;
      tally.record(host, outcome, durationMs, now());
      bar?.update(tally.done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}

/** No terminal: one line per host as its last URL finishes, and on interruption what was left. */
function logProgress(stream: Stream, text: ProgressText, now: () => number, redact: (line: string) => string): ProgressEvents {
  let tally: Tally | undefined;
  let stopped = false;
  const line = (message: string): void => {
    stream.write(`${timestamp(now())} ${redact(sanitize(message))}\n`); // cleaned first, as in safeReport
  };
  return {
    start(total, hosts) {
      if (tally || stopped) return;
      tally = new Tally(total, hosts, now());
    },
    urlDone(host, _url, outcome, durationMs) {
      if (!tally || stopped) return;
      const recorded = tally.record(host, outcome, durationMs, now());
      if (recorded.finished) line(text.hostDone({ host: recorded.host, ...recorded.finished }));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      const left = tally?.unfinished() ?? [];
      if (left.length === 0) return;
      line(
        text.interrupted({
          shown: left.slice(0, MAX_HOSTS_LISTED),
          moreHosts: Math.max(0, left.length - MAX_HOSTS_LISTED),
          hosts: left.length,
          urls: left.reduce((sum, h) => sum + h.left, 0),
        }),
      );
    },
  };
}

/** 2026-11-27T04:19:03Z: UTC, to the second. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function swallow(action: () => void): void {
  try {
    action();
  } catch {
    // Progress is a courtesy: a closed stderr or a bad call must never cost the audit its report.
  }
}
