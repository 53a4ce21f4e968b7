import { describe, expect, it } from 'vitest';
import { demoDates } from '../src/demo/dates.js';
import { PAGES } from '../src/demo/pages/index.js';
import { fill } from '../src/demo/template.js';

const dates = demoDates(new Date('2026-03-15T04:00:00Z'));

describe('demo page templates', () => {
  it('fills dates in China time, days back and formats', () => {
    expect(fill('{{fresh}} {{stale-9d}} {{recent|cn}} {{fresh|datetime}} {{recent|year}} {{future}}', dates)).toBe(
      '2026-03-12 2024-03-06 2026年02月03日 2026-03-12 12:00 2026 2026-04-14',
    );
  });

  it('escapes every value and leaves the text around it alone', () => {
    expect(fill('<a href="{{to}}">&amp;</a>', dates, { to: '/x?a=1&b="<i>"' })).toBe(
      '<a href="/x?a=1&amp;b=&quot;&lt;i&gt;&quot;">&amp;</a>',
    );
  });

  it('throws on an unknown name or format instead of serving it', () => {
    for (const t of ['{{frsh}}', '{{fresh|bogus}}', '{{fresh|toString}}', '{{constructor}}', '{{ fresh }}', '{{}}']) {
      expect(() => fill(t, dates), t).toThrow(/unknown placeholder/);
    }
  });

  it('every page fills', () => {
    for (const [name, page] of Object.entries(PAGES)) {
      expect(fill(page.html, dates), name).not.toContain('{{');
    }
  });
});
