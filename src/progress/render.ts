import { stringWidth } from '../util/width.js';
import type { ProgressText } from '../i18n/index.js';
import type { Snapshot } from './tally.js';

const SEPARATOR = ' · ';
const BAR_CELLS = 20;
const MIN_BAR_CELLS = 5;
const MIN_HOST_CELLS = 8;
const FILLED = '█';
const EMPTY = '░';

/**
 * `[████░░░░] 12/37 · 2 failed · slowest: www.huainan.gov.cn (9 left) · ETA 14s`, in at most
 * `columns - 1` terminal cells (CJK counts two), so the line never wraps and `\r` redraws it in
 * place. When it does not fit, the bar narrows first, then goes; then the host name is shortened,
 * or the slowest-host part goes; last, the line is cut.
 */
export function renderBarLine(s: Snapshot, columns: number | undefined, text: ProgressText): string {
  const width = Math.max(10, (columns && columns > 0 ? Math.floor(columns) : 80) - 1);
  const tail = (host: string | undefined): string =>
    [
      `${s.done}/${s.total}`,
      text.failed(s.failed),
      ...(s.slowest && host !== undefined ? [text.slowest(host, s.slowest.left)] : []),
      text.eta(s.etaMs),
    ].join(SEPARATOR);

  const host = s.slowest?.host;
  const full = tail(host);
  const room = width - stringWidth(full) - 3; // "[", "] "
  if (room >= MIN_BAR_CELLS) return `[${bar(s.done, s.total, Math.min(BAR_CELLS, room))}] ${full}`;
  if (stringWidth(full) <= width) return full;
  if (host !== undefined) {
    const hostRoom = width - (stringWidth(full) - stringWidth(host));
    if (hostRoom >= MIN_HOST_CELLS) return tail(fitWidth(host, hostRoom));
    const withoutHost = tail(undefined);
    if (stringWidth(withoutHost) <= width) return withoutHost;
  }
  return fitWidth(full, width);
}

function bar(done: number, total: number, cells: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  // Full only when everything is done.
  const filled = ratio >= 1 ? cells : Math.min(cells - 1, Math.floor(ratio * cells));
  return FILLED.repeat(filled) + EMPTY.repeat(cells - filled);
}

/** Cut to at most `width` terminal cells, whole graphemes only, with "…" when something was cut. */
export function fitWidth(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return out + '…';
}
