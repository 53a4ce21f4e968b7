import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { durationToMs, MAX_AGE_PRESETS, parseDuration } from '../../src/criteria/duration.js';
import { compileKeyword } from '../../src/criteria/keyword.js';
import { parseCriteria } from '../../src/criteria/load.js';
import {
  CHECK_KEYS, EVIDENCE_KEYS, HOST_KEYS, INDICATOR_KEYS, KEYWORD_KEYS, RENDER_MODES, ROOT_KEYS, SETTINGS_KEYS,
} from '../../src/criteria/reader/keys.js';
import { defaultSettings, SETTING_RULES } from '../../src/criteria/settings.js';

/**
 * The reader's tables are the source of truth: src/criteria/reader/keys.ts (the keys allowed at each
 * level, the render modes), SETTING_RULES and defaultSettings() in src/criteria/settings.ts. The schema
 * (schema/criteria.schema.json) says the same things again for editors, in its own words and order. It is
 * written by hand, not generated, so these tests hold it to the tables: each fact is read from the code and
 * looked up in the schema, so that adding a key, a setting, a bound or a default on one side alone fails here.
 *
 * test/criteria-schema.test.ts checks the other half: the schema accepts and refuses what the loader does.
 */

type Json = Record<string, unknown>;
const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/criteria.schema.json', import.meta.url)), 'utf8')) as Json;

function definition(name: string): Json {
  const found = (schema.definitions as Record<string, Json>)[name];
  expect(found, `#/definitions/${name}`).toBeDefined();
  return found!;
}

function keysOf(node: Json): string[] {
  return Object.keys(node.properties as Json).sort();
}

const sorted = (keys: readonly string[]) => [...keys].sort();

function parses(text: string): boolean {
  return parseCriteria(text, 'snippet.yaml').criteria !== undefined;
}

const leafWith = (...lines: string[]) =>
  ['version: 1', 'indicators:', '  - weight: 1', '    evidence:', '      - url: https://www.example.gov.cn/a', ...lines.map((l) => `        ${l}`)].join('\n') + '\n';

describe('the schema declares the keys the reader allows, at every level', () => {
  const levels: Array<[string, readonly string[], () => Json]> = [
    ['the top level', ROOT_KEYS, () => schema],
    ['settings', SETTINGS_KEYS, () => definition('settings')],
    ['defaults (checks)', CHECK_KEYS, () => definition('checks')],
    ['an indicator', INDICATOR_KEYS, () => definition('indicator')],
    ['an evidence', EVIDENCE_KEYS, () => definition('evidenceItem')],
    ['keywords', KEYWORD_KEYS, () => definition('keywords')],
    ['a host', HOST_KEYS, () => definition('host')],
  ];

  it.each(levels)('%s', (_where, allowed, node) => {
    expect(keysOf(node())).toEqual(sorted(allowed));
  });

  it('lists no key twice in the reader', () => {
    for (const [where, allowed] of levels) expect(new Set(allowed).size, where).toBe(allowed.length);
  });
});

describe('the schema has the reader\'s enums', () => {
  it('render: the same modes, in the same order', () => {
    expect(definition('render').enum).toEqual([...RENDER_MODES]);
  });

  it('max_age: the same presets, each with its length in the description', () => {
    const maxAge = definition('maxAge');
    const alternation = /^\^\\s\*\(\?:([a-z|]+)\|/.exec(maxAge.pattern as string)?.[1];
    expect(alternation?.split('|').sort()).toEqual(Object.keys(MAX_AGE_PRESETS).sort());
    for (const [name, length] of Object.entries(MAX_AGE_PRESETS)) {
      expect(maxAge.description as string, name).toContain(`${name} = ${length}`);
    }
  });

  it('status: codes from 100 to 599, as the reader takes them', () => {
    for (const def of [definition('status'), definition('statusItem')]) expect(def).toMatchObject({ minimum: 100, maximum: 599 });
    expect([99, 100, 599, 600].map((code) => parses(leafWith(`status: [${code}]`)))).toEqual([false, true, true, false]);
    expect(['"099-200"', '"100-599"', '"200-600"'].map((range) => parses(leafWith(`status: [${range}]`)))).toEqual([false, true, false]);
  });

  it('keywords: the same regular-expression flags as compileKeyword', () => {
    const pattern = new RegExp(definition('keyword').pattern as string, 'u');
    for (const flags of [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 'imsu', 'imsv', 'ig', '']) {
      const word = `/预算/${flags}`;
      expect(pattern.test(word), word).toBe(!('problem' in compileKeyword(word)));
    }
    // What needs the RegExp constructor, as an invalid pattern does: u with v, a flag twice. The schema lets
    // them through and the reader refuses them; should either change, this fails and the line can go.
    for (const word of ['/预算/uv', '/预算/ii']) expect({ schema: pattern.test(word), reader: !('problem' in compileKeyword(word)) }, word).toEqual({ schema: true, reader: false });
  });
});

describe('the schema has every setting of SETTING_RULES, with its bounds and default', () => {
  const settings = definition('settings').properties as Record<string, Json>;
  const defaults = defaultSettings();

  it.each(SETTING_RULES.map((rule) => [rule.key, rule] as const))('%s', (_key, rule) => {
    const property = settings[rule.key]!;
    expect(property).toBeDefined();
    const fallback = defaults[rule.field];
    if (rule.kind === 'duration') {
      // A duration is text to the schema: its bounds are in the words an editor shows.
      const max = `at most ${rule.max / 3_600_000}h`;
      expect(property.type).toBe('string');
      expect(property.description as string).toContain(max);
      expect(property.patternErrorMessage as string).toContain(max);
      const written = parseDuration(property.default as string);
      expect(written && durationToMs(written), `default ${String(property.default)}`).toBe(fallback);
      return;
    }
    expect(property).toMatchObject({ type: rule.kind, minimum: rule.min, maximum: rule.max, default: fallback });
  });

  it('each host setting has the same bounds as the run\'s', () => {
    const host = definition('host').properties as Record<string, Json>;
    for (const rule of SETTING_RULES.filter((r) => r.key in host)) {
      expect(host[rule.key], rule.key).toMatchObject({ type: rule.kind, minimum: rule.min, maximum: rule.max });
    }
    expect(HOST_KEYS.filter((key) => SETTING_RULES.some((r) => r.key === key)).sort()).toEqual(['per_host_concurrency', 'per_host_rate']);
  });

  it('the other settings have the type the reader reads them as', () => {
    // Read by optionalString, readStringList and readBoolean (src/criteria/reader/settings.ts).
    const others: Record<string, string | string[]> = {
      user_agent: ['string', 'number', 'null'],
      soft_404_phrases: 'array',
      notify: 'array',
      redact: 'array',
      block_private: 'boolean',
    };
    const numeric = new Set(SETTING_RULES.map((r) => r.key));
    expect(SETTINGS_KEYS.filter((key) => !numeric.has(key)).sort()).toEqual(Object.keys(others).sort());
    for (const [key, type] of Object.entries(others)) expect(settings[key]?.type, key).toEqual(type);
  });
});

describe('the schema\'s name patterns take the names the reader takes', () => {
  it('host names', () => {
    const hosts = (schema.properties as Record<string, Json>).hosts!;
    const pattern = new RegExp((hosts.propertyNames as Json).pattern as string);
    for (const name of ['www.example.gov.cn', 'WWW.Example.gov.cn', 'example.gov.cn:8443', '127.0.0.1', 'bad host', 'a_b.cn', 'x.cn:', 'x.cn:port', '例子.cn']) {
      const text = `version: 1\nhosts:\n  "${name}": {}\nindicators:\n  - weight: 1\n    evidence: []\n`;
      expect(pattern.test(name), name).toBe(parses(text));
    }
  });

  it('header and cookie names', () => {
    for (const key of ['headers', 'cookies']) {
      const property = (definition('host').properties as Record<string, Json>)[key]!;
      const pattern = new RegExp((property.propertyNames as Json).pattern as string);
      for (const name of ['Authorization', 'X-Token', 'a!#$%&\'*+.^_`|~z', 'Bad Name', 'a:b', 'ä', '(x)']) {
        const text = `version: 1\nhosts:\n  www.example.gov.cn:\n    ${key}: {${JSON.stringify(name)}: v}\nindicators:\n  - weight: 1\n    evidence: []\n`;
        expect(pattern.test(name), `${key} ${name}`).toBe(parses(text));
      }
    }
  });
});
