import stringWidth from 'string-width';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress, type ProgressOptions } from '../src/progress/index.js';
import { fitWidth } from '../src/progress/render.js';

/** A stream as the CLI's Io hands it over, recording every write. */
function fakeStream(tty: boolean, columns?: number) {
  const writes: string[] = [];
  return {
    writes,
    text: () => writes.join(''),
    stream: { write: (s: string) => writes.push(s), isTTY: tty, ...(columns ? { columns } : {}) },
  };
}

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2026-11-27T04:19:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const HOSTS = new Map([
  ['www.huainan.gov.cn', 3],
  ['www.ah.gov.cn', 2],
]);

function setup(overrides: Partial<ProgressOptions> & { tty?: boolean; columns?: number } = {}) {
  const { tty = false, columns, ...rest } = overrides;
  const out = fakeStream(tty, columns);
  const clock = fakeClock();
  const progress = createProgress({ stream: out.stream, quiet: false, lang: 'en', now: clock.now, ...rest });
  return { out, clock, progress };
}

/** The lines the bar drew: cli-progress moves to column 0 (ESC[1G), writes, and clears to the right. */
function frames(output: string): string[] {
  return output
    .split('\x1b[1G')
    .map((chunk) => chunk.replace(/\x1b\[0K[\s\S]*$/, ''))
    .filter((chunk) => chunk !== '' && !chunk.startsWith('\x1b'));
}

describe('progress without a terminal (cron, CI)', () => {
  it('writes exactly one timestamped line per host, when its last URL is done', () => {
    const { out, clock, progress } = setup();
    progress.start(5, HOSTS);
    clock.advance(1000);
    progress.urlDone('www.huainan.gov.cn', 'https://www.huainan.gov.cn/a', 'ok', 1000);
    clock.advance(1000);
    progress.urlDone('www.ah.gov.cn', 'https://www.ah.gov.cn/a', 'failed', 1500);
    progress.urlDone('www.huainan.gov.cn', 'https://www.huainan.gov.cn/b', 'failed', 800);
    expect(out.writes).toEqual([]);

    // ah.gov.cn's first request started at 00:00.5 (done at 2 s after 1.5 s); its last ends at 3.4 s.

    clock.advance(1400);
    progress.urlDone('www.ah.gov.cn', 'https://www.ah.gov.cn/b', 'ok', 300);
    expect(out.writes).toEqual(['2026-11-27T04:19:03Z host www.ah.gov.cn done: 2 URLs, 1 failed, 2.9s\n']);

    clock.advance(12_000);
    progress.urlDone('www.huainan.gov.cn', 'https://www.huainan.gov.cn/c', 'ok', 200);
    progress.stop();
    expect(out.writes).toEqual([
      '2026-11-27T04:19:03Z host www.ah.gov.cn done: 2 URLs, 1 failed, 2.9s\n',
      '2026-11-27T04:19:15Z host www.huainan.gov.cn done: 3 URLs, 1 failed, 15.4s\n',
    ]);
    expect(out.text()).not.toContain('\x1b');
  });

  it('times a host from its first request, not from the start of the run', () => {
    const { out, clock, progress } = setup();
    progress.start(1, new Map([['late.example', 1]]));
    clock.advance(60_000);
    progress.urlDone('late.example', 'https://late.example/', 'ok', 2_500);
    expect(out.text()).toBe('2026-11-27T04:20:00Z host late.example done: 1 URL, 0 failed, 2.5s\n');
  });

  it('speaks Chinese in zh', () => {
    const { out, clock, progress } = setup({ lang: 'zh' });
    progress.start(31, new Map([['www.huainan.gov.cn', 31]]));
    for (let i = 0; i < 31; i++) {
      clock.advance(500);
      progress.urlDone('www.huainan.gov.cn', `https://www.huainan.gov.cn/${i}`, i < 2 ? 'failed' : 'ok', 400);
    }
    progress.stop();
    expect(out.text()).toBe('2026-11-27T04:19:15Z 站点 www.huainan.gov.cn 完成：31 个链接，2 个失败，用时 15.4 秒\n');
  });

  it('on an interrupted stop, sums up the hosts left unfinished in one line', () => {
    const { out, clock, progress } = setup();
    progress.start(5, HOSTS);
    clock.advance(2000);
    progress.urlDone('www.ah.gov.cn', 'https://www.ah.gov.cn/a', 'ok', 100);
    progress.stop();
    progress.stop();
    progress.urlDone('www.ah.gov.cn', 'https://www.ah.gov.cn/b', 'ok', 100);
    expect(out.writes).toEqual([
      '2026-11-27T04:19:02Z interrupted: 2 hosts unfinished, 4 URLs not checked: www.huainan.gov.cn (3 left), www.ah.gov.cn (1 left)\n',
    ]);
  });

  it('says the same in zh', () => {
    const { out, progress } = setup({ lang: 'zh' });
    progress.start(5, HOSTS);
    progress.stop();
    expect(out.text()).toBe(
      '2026-11-27T04:19:00Z 已中断：2 个站点未完成，5 个链接未核查：www.huainan.gov.cn（剩 3 个）、www.ah.gov.cn（剩 2 个）\n',
    );
  });

  it('strips control characters and bidi overrides from host names', () => {
    const { out, progress } = setup();
    const evil = 'evil\x1b]0;pwned\x07\u202e.example';
    progress.start(1, new Map([[evil, 1]]));
    progress.urlDone(evil, 'https://evil.example/', 'ok', 1);
    // The whole OSC sequence goes, its title text included, not only the ESC byte.
    expect(out.text()).toBe('2026-11-27T04:19:00Z host evil.example done: 1 URL, 0 failed, 0.0s\n');
  });
});

describe('progress with --quiet', () => {
  for (const tty of [false, true]) {
    it(`writes nothing at all (${tty ? 'terminal' : 'no terminal'})`, () => {
      vi.useFakeTimers();
      try {
        const { out, clock, progress } = setup({ quiet: true, tty });
        progress.start(5, HOSTS);
        for (const [host, n] of HOSTS) for (let i = 0; i < n; i++) progress.urlDone(host, `https://${host}/${i}`, 'failed', 10);
        clock.advance(1000);
        vi.advanceTimersByTime(1000);
        progress.stop();
        expect(out.writes).toEqual([]);
      } finally {
        vi.useRealTimers();
      }
    });
  }
});

describe('progress on a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws done/total, failures, the slowest host and the ETA', () => {
    const { out, clock, progress } = setup({ tty: true, columns: 100 });
    const hosts = new Map([['www.huainan.gov.cn', 15], ['www.ah.gov.cn', 11], ['www.hefei.gov.cn', 11]]);
    progress.start(37, hosts);
    expect(frames(out.text()).at(-1)).toBe(
      '[░░░░░░░░░░░░░░░░░░░░] 0/37 · 0 failed · slowest: www.huainan.gov.cn (15 left) · ETA —',
    );

    // One result a second for 12 s: huainan 6 (9 left), the others 3 each (8 left).
    const order = ['www.huainan.gov.cn', 'www.ah.gov.cn', 'www.huainan.gov.cn', 'www.hefei.gov.cn'];
    for (let i = 0; i < 12; i++) {
      clock.advance(1000);
      const host = order[i % order.length]!;
      progress.urlDone(host, `https://${host}/${i}`, i === 1 || i === 7 ? 'failed' : 'ok', 900);
      vi.advanceTimersByTime(1000);
    }
    // ETA: overall 25 left at 12 per 12 s is 25 s, but ah and hefei have 8 left at 3 per 12 s: 32 s.
    expect(frames(out.text()).at(-1)).toBe(
      '[██████░░░░░░░░░░░░░░] 12/37 · 2 failed · slowest: www.huainan.gov.cn (9 left) · ETA 32s',
    );
  });

  it('the ETA follows the host with the most left when it bounds the run', () => {
    const { out, clock, progress } = setup({ tty: true, columns: 120 });
    progress.start(12, new Map([['slow.example', 10], ['fast.example', 2]]));
    clock.advance(2000);
    progress.urlDone('fast.example', 'https://fast.example/1', 'ok', 100);
    progress.urlDone('fast.example', 'https://fast.example/2', 'ok', 100);
    progress.urlDone('slow.example', 'https://slow.example/1', 'ok', 100);
    vi.advanceTimersByTime(200);
    // Overall: 9 left at 3 per 2 s is 6 s; slow.example: 9 left at 1 per 2 s is 18 s.
    expect(frames(out.text()).at(-1)).toContain('slowest: slow.example (9 left) · ETA 18s');
  });

  it('redraws at most about ten times a second, however fast results come', () => {
    const { out, clock, progress } = setup({ tty: true, columns: 100 });
    progress.start(1000, new Map([['a.example', 1000]]));
    const before = frames(out.text()).length;
    for (let i = 0; i < 500; i++) {
      clock.advance(2);
      progress.urlDone('a.example', `https://a.example/${i}`, 'ok', 2);
      vi.advanceTimersByTime(2);
    }
    const drawn = frames(out.text()).length - before;
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThanOrEqual(11);
  });

  it('stop() clears the bar line and leaves the cursor at its start', () => {
    const { out, clock, progress } = setup({ tty: true, columns: 100 });
    progress.start(5, HOSTS);
    clock.advance(500);
    progress.urlDone('www.ah.gov.cn', 'https://www.ah.gov.cn/a', 'ok', 400);
    progress.stop();
    const text = out.text();
    expect(text).toMatch(/\x1b\[1G\x1b\[2K$/);
    const written = out.writes.length;
    vi.advanceTimersByTime(5000);
    progress.urlDone('www.ah.gov.cn', 'https://www.ah.gov.cn/b', 'ok', 400);
    progress.stop();
    expect(out.writes.length).toBe(written);
    // Interruption on a terminal only clears the bar: the report that follows says the rest.
    expect(text).not.toContain('interrupted');
  });

  it('fits CJK text to the terminal width, counting wide characters as two cells', () => {
    const long = 'www.an-unusually-long-subdomain.huainan.gov.cn';
    const expected = new Map([
      [60, '1/3 · 1 个失败 · 最慢：www.an-unusu…（剩 2 个） · 预计 2 秒'],
      [40, '1/3 · 1 个失败 · 预计 2 秒'],
      [20, '1/3 · 1 个失败 · …'],
    ]);
    for (const [columns, last] of expected) {
      const { out, clock, progress } = setup({ tty: true, columns, lang: 'zh' });
      progress.start(3, new Map([[long, 3]]));
      clock.advance(1000);
      progress.urlDone(long, `https://${long}/1`, 'failed', 900);
      vi.advanceTimersByTime(200);
      const drawn = frames(out.text());
      for (const line of drawn) expect(stringWidth(line)).toBeLessThan(columns);
      expect(drawn.at(-1)).toBe(last);
      progress.stop();
    }
  });

  it('gives the bar what room is left, and drops it before any fact', () => {
    const wide = setup({ tty: true, columns: 63 });
    wide.progress.start(2, new Map([['a.example', 2]]));
    const line = frames(wide.out.text()).at(-1) ?? '';
    expect(line).toBe('[░░░░░░░] 0/2 · 0 failed · slowest: a.example (2 left) · ETA —');
    expect(stringWidth(line)).toBe(62);
    wide.progress.stop();

    const narrow = setup({ tty: true, columns: 55 });
    narrow.progress.start(2, new Map([['a.example', 2]]));
    expect(frames(narrow.out.text()).at(-1)).toBe('0/2 · 0 failed · slowest: a.example (2 left) · ETA —');
    narrow.progress.stop();
  });

  it('draws nothing when there is nothing to fetch', () => {
    const { out, progress } = setup({ tty: true });
    progress.start(0, new Map());
    progress.stop();
    expect(out.writes).toEqual([]);
  });
});

describe('progress never throws into the audit', () => {
  for (const tty of [false, true]) {
    it(`on odd calls (${tty ? 'terminal' : 'no terminal'})`, () => {
      vi.useFakeTimers();
      try {
        const { out, progress } = setup({ tty });
        expect(() => {
          progress.urlDone('before.start', 'https://before.start/', 'ok', 1);
          progress.stop();
        }).not.toThrow();

        const again = setup({ tty });
        expect(() => {
          again.progress.start(2, new Map([['known.example', 1], ['zero.example', 0], ['nan.example', Number.NaN]]));
          again.progress.urlDone('unknown.example', 'https://unknown.example/', 'failed', Number.NaN);
          again.progress.urlDone('known.example', 'https://known.example/', 'ok', -5);
          again.progress.urlDone('known.example', 'https://known.example/again', 'ok', 1);
          again.progress.start(9, new Map([['other.example', 9]]));
          vi.advanceTimersByTime(500);
          again.progress.stop();
        }).not.toThrow();
        expect(out.writes).toEqual([]);
        if (!tty) expect(again.out.text()).toBe('2026-11-27T04:19:00Z host known.example done: 1 URL, 0 failed, 0.0s\n');
      } finally {
        vi.useRealTimers();
      }
    });
  }

  it('when the stream itself throws', () => {
    const progress = createProgress({
      stream: { write: () => { throw new Error('EPIPE'); }, isTTY: false },
      quiet: false,
      lang: 'en',
    });
    expect(() => {
      progress.start(1, new Map([['a.example', 1]]));
      progress.urlDone('a.example', 'https://a.example/', 'ok', 1);
      progress.stop();
    }).not.toThrow();
  });

  it('keeps no state between instances', () => {
    const a = setup();
    const b = setup();
    a.progress.start(1, new Map([['a.example', 1]]));
    b.progress.start(1, new Map([['a.example', 1]]));
    a.progress.urlDone('a.example', 'https://a.example/', 'ok', 1);
    expect(a.out.writes).toHaveLength(1);
    expect(b.out.writes).toHaveLength(0);
  });
});

describe('fitWidth', () => {
  it('cuts by terminal cells, never inside a character', () => {
    expect(fitWidth('淮南市人民政府', 7)).toBe('淮南市…');
    expect(fitWidth('abc', 3)).toBe('abc');
    expect(stringWidth(fitWidth('👩‍👩‍👧 family', 4))).toBeLessThanOrEqual(4);
  });
});
