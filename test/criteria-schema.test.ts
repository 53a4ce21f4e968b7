import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../src/criteria/duration.js';
import { parseCriteria } from '../src/criteria/load.js';
import { SETTING_RULES } from '../src/criteria/settings.js';

/**
 * schema/criteria.schema.json gives editors (VS Code's YAML extension, any yaml-language-server)
 * completion, hover text and squiggles. It must accept what the loader accepts and refuse what
 * it refuses; these tests keep the two in step.
 */

const SCHEMA_PATH = fileURLToPath(new URL('../schema/criteria.schema.json', import.meta.url));
const CRITERIA_PATH = fileURLToPath(new URL('../criteria.yaml', import.meta.url));

type Json = Record<string, unknown>;
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Json;

/** Keywords of the VS Code JSON/YAML language services: annotations only, no effect on validity. */
const EDITOR_KEYWORDS = ['markdownDescription', 'patternErrorMessage', 'errorMessage'];

function makeAjv(): Ajv {
  // strict: an unknown keyword or a misplaced one is a mistake in the schema, not a warning.
  // strictRequired is off because `oneOf: [{required: [indicators]}, {required: [evidence]}]`
  // names properties declared beside it, not inside each branch.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, strictNumbers: true });
  ajv.addVocabulary(EDITOR_KEYWORDS);
  return ajv;
}

let validate: ValidateFunction;

beforeAll(() => {
  validate = makeAjv().compile(schema);
});

function schemaErrors(text: string): ErrorObject[] {
  const data: unknown = parseYaml(text);
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

function schemaAccepts(text: string): boolean {
  return schemaErrors(text).length === 0;
}

function loaderAccepts(text: string): boolean {
  return parseCriteria(text, 'snippet.yaml').criteria !== undefined;
}

/** One leaf indicator, with the given lines indented as its body (6 spaces). */
function leaf(...body: string[]): string {
  return [
    'version: 1',
    'indicators:',
    '  - id: "1"',
    '    title: 测试',
    '    weight: 1',
    ...body.map((line) => `    ${line}`),
  ].join('\n') + '\n';
}

/** A leaf with one evidence, the given lines added to the evidence mapping. */
function withEvidence(...lines: string[]): string {
  return leaf('evidence:', '  - url: https://www.example.gov.cn/a', ...lines.map((l) => `    ${l}`));
}

describe('schema/criteria.schema.json', () => {
  it('is a valid draft-07 schema that compiles in strict mode', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = makeAjv();
    expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('accepts the repository criteria.yaml', () => {
    const errors = schemaErrors(readFileSync(CRITERIA_PATH, 'utf8'));
    expect(errors.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
  });

  it('gives every property a description, for editor tooltips', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) { node.forEach((child, i) => visit(child, `${path}/${i}`)); return; }
      if (node === null || typeof node !== 'object') return;
      const obj = node as Json;
      // `properties: {evidence: false}` forbids a key rather than declaring one.
      const properties = declared(obj);
      for (const [name, property] of Object.entries(properties)) {
        const target = typeof property.$ref === 'string' ? resolve(property.$ref) : property;
        if (typeof target.description !== 'string' || target.description === '') missing.push(`${path}/properties/${name}`);
      }
      for (const [key, child] of Object.entries(obj)) visit(child, `${path}/${key}`);
    };
    visit(schema, '#');
    expect(missing).toEqual([]);
  });

  it('forbids unknown keys everywhere (additionalProperties: false on every object)', () => {
    const open: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) { node.forEach((child, i) => visit(child, `${path}/${i}`)); return; }
      if (node === null || typeof node !== 'object') return;
      const obj = node as Json;
      if (Object.keys(declared(obj)).length > 0 && obj.additionalProperties !== false) open.push(path);
      for (const [key, child] of Object.entries(obj)) visit(child, `${path}/${key}`);
    };
    visit(schema, '#');
    expect(open).toEqual([]);
  });

  it('has the same bounds as the loader for every numeric setting (SETTING_RULES)', () => {
    const settings = ((schema.definitions as Json).settings as Json).properties as Record<string, Json>;
    for (const rule of SETTING_RULES) {
      const property = settings[rule.key];
      expect(property, rule.key).toBeDefined();
      if (rule.kind === 'duration') {
        expect(property!.type, rule.key).toBe('string');
        continue;
      }
      expect(property, rule.key).toMatchObject({
        type: rule.kind === 'integer' ? 'integer' : 'number',
        minimum: rule.min,
        maximum: rule.max,
      });
    }
  });

  it('repeats each pattern the same wherever a value may stand alone', () => {
    // A bare URL is an evidence item, and one status code the status list: one schema each, with
    // the type-specific keywords side by side, gives editors precise messages (no anyOf guessing).
    expect(resolve('#/definitions/evidenceItem').pattern).toBe(resolve('#/definitions/url').pattern);
    expect(resolve('#/definitions/status').pattern).toBe(resolve('#/definitions/statusItem').pattern);
    expect(resolve('#/definitions/keywords').pattern).toBe(
      (resolve('#/definitions/keyword').pattern as string).replace('[\\s\\S]*\\S', ''),
    );
  });

  it('reads durations with the same grammar as parseDuration', () => {
    const samples = [
      '14d', '2w', '6mo', '1y', '20s', '5m', '2h', '500ms', '1.5h', ' 14d ', '14 d', '0d',
      'P6M', 'p6m', 'P1Y', 'P2W', 'P14D', 'PT30S', 'PT5M', 'PT1.5H', 'P1Y2M3DT4H5M6S', ' P6M ',
      'news', 'notice', 'statutory', ' news ',
      '', ' ', '6M', '6MO', '14D', '3 weeks', '1.d', '.5d', '-1d', '14', 'P', 'PT', 'P T', 'P6', 'P1H', 'PT1D',
      'P1M2Y', 'News', 'constructor', 'toString', '__proto__', '1 mo', '1mos',
    ];
    const maxAge = new RegExp(resolve('#/definitions/maxAge').pattern as string, 'u');
    const timeout = new RegExp(resolve('#/definitions/settings/properties/timeout').pattern as string, 'u');
    for (const sample of samples) {
      expect(maxAge.test(sample), `max_age ${JSON.stringify(sample)}`).toBe(parseDuration(sample, { presets: true }) !== undefined);
      expect(timeout.test(sample), `timeout ${JSON.stringify(sample)}`).toBe(parseDuration(sample) !== undefined);
    }
  });

  it('knows the same keys as the loader at every level', () => {
    // An unknown key far from every known one makes the loader list the keys it allows.
    const allowed = (text: string): string[] => {
      const diagnostic = parseCriteria(text, 'snippet.yaml').diagnostics.find((d) => d.message.startsWith('unknown key "qqqqqqqqqqqq"'));
      const list = /^allowed keys: (.*)$/.exec(diagnostic?.fix ?? '')?.[1];
      expect(list, `no "allowed keys" in ${JSON.stringify(diagnostic)}`).toBeDefined();
      return list!.split(', ').sort();
    };
    const keysOf = (def: string): string[] => {
      const node = def === '' ? schema : resolve(`#/definitions/${def}`);
      return Object.keys(node.properties as Json).sort();
    };

    expect(keysOf('')).toEqual(allowed('version: 1\nqqqqqqqqqqqq: 1\nindicators: []\n'));
    expect(keysOf('settings')).toEqual(allowed('version: 1\nsettings: {qqqqqqqqqqqq: 1}\nindicators: []\n'));
    expect(keysOf('checks')).toEqual(allowed('version: 1\ndefaults: {qqqqqqqqqqqq: 1}\nindicators: []\n'));
    expect(keysOf('indicator')).toEqual(allowed(leaf('qqqqqqqqqqqq: 1', 'evidence: []')));
    expect(keysOf('evidenceItem')).toEqual(allowed(withEvidence('qqqqqqqqqqqq: 1')));
    expect(keysOf('keywords')).toEqual(allowed(withEvidence('keywords: {qqqqqqqqqqqq: [a]}')));
  });
});

describe('the schema refuses broken files', () => {
  const broken: Array<[string, string, string]> = [
    // [what, snippet, the schema keyword that should fire]
    ['an unknown key', leaf('wieght: 3', 'evidence: []'), 'additionalProperties'],
    ['a negative weight', leaf('evidence: []').replace('weight: 1', 'weight: -1'), 'minimum'],
    ['an ftp:// url', leaf('evidence:', '  - url: ftp://ftp.example.gov.cn/a.pdf'), 'pattern'],
    ['max_age "3 weeks"', withEvidence('max_age: 3 weeks'), 'pattern'],
    ['both indicators and evidence', leaf(
      'evidence: []',
      'indicators:',
      '  - title: child',
      '    weight: 1',
      '    evidence: []',
    ), 'if'],
    ['keywords: 5', withEvidence('keywords: 5'), 'type'],
  ];

  it.each(broken)('%s', (_what, text, keyword) => {
    const errors = schemaErrors(text);
    expect(errors.map((e) => e.keyword)).toContain(keyword);
    // …and the loader refuses it too.
    expect(loaderAccepts(text)).toBe(false);
  });
});

describe('schema and loader agree', () => {
  // [what, snippet, valid?]
  const cases: Array<[string, string, boolean]> = [
    ['a minimal file', leaf('evidence:', '  - url: https://www.example.gov.cn/a'), true],
    ['a bare URL as evidence', leaf('evidence:', '  - https://www.example.gov.cn/a', '  - http://www.example.gov.cn/b'), true],
    ['evidence: [] on a leaf', leaf('evidence: []'), true],
    ['a nested tree with inherited checks', [
      'version: 1',
      'title: 测试表',
      'settings: {concurrency: 4, per_host_concurrency: 1, per_host_rate: 0.5, timeout: PT30S, retries: 0,',
      '           user_agent: test, max_body_size: 2048, max_redirects: 0, soft_404_phrases: [该栏目已停更]}',
      'defaults: {status: [200-299, 301], max_age: notice, keywords: {none: [页面不存在]}, selector: "#content"}',
      'indicators:',
      '  - id: "一"',
      '    weight: 3',
      '    max_age: P6M',
      '    indicators:',
      '      - id: "一.1"',
      '        weight: 3',
      '        requirement: 主动公开',
      '        keywords: [规划, "/十四五|十四个五年/i"]',
      '        evidence:',
      '          - title: 规划',
      '            url: https://www.example.gov.cn/plan',
      '            status: 200',
      '            max_age: 14 d',
      '            keywords: 规划',
    ].join('\n') + '\n', true],
    ['status as codes and ranges', withEvidence('status: [200, "301", 200-299, " 400 - 404 "]'), true],
    ['keywords as {all, any, none}', withEvidence('keywords: {all: [预算], any: [决算, 2021], none: []}'), true],
    ['max_age presets and units', withEvidence('max_age: statutory'), true],
    ['max_age in months', withEvidence('max_age: 6mo'), true],
    ['an ISO 8601 max_age', withEvidence('max_age: P1Y2M3DT4H'), true],
    ['a parent weight that differs from its children (only a warning)', [
      'version: 1',
      'indicators:',
      '  - weight: 5',
      '    indicators:',
      '      - weight: 3',
      '        evidence: []',
    ].join('\n') + '\n', true],

    ['no version', 'indicators:\n  - weight: 1\n    evidence: []\n', false],
    ['version 2', leaf('evidence: []').replace('version: 1', 'version: 2'), false],
    ['version "1" (text)', leaf('evidence: []').replace('version: 1', 'version: "1"'), false],
    ['no indicators', 'version: 1\ntitle: 空\n', false],
    ['an empty indicators list', 'version: 1\nindicators: []\n', false],
    ['a nested empty indicators list', leaf('indicators: []'), false],
    ['an indicator with neither indicators nor evidence', leaf('requirement: 无'), false],
    ['no weight', 'version: 1\nindicators:\n  - title: a\n    evidence: []\n', false],
    ['a weight in quotes', leaf('evidence: []').replace('weight: 1', 'weight: "3"'), false],
    ['an evidence without url', leaf('evidence:', '  - title: 无链接'), false],
    ['a url with a trailing non-breaking space', leaf('evidence:', '  - "https://www.example.gov.cn/a\u00a0"'), false],
    ['a mailto: url', leaf('evidence:', '  - mailto:office@example.gov.cn'), false],
    ['an evidence that is a number', leaf('evidence:', '  - 42'), false],
    ['max_age "6M" (months are mo)', withEvidence('max_age: 6M'), false],
    ['max_age as a bare number', withEvidence('max_age: 14'), false],
    ['a status code out of range', withEvidence('status: [200, 600]'), false],
    ['a status range with a typo', withEvidence('status: [200-29]'), false],
    ['keywords with an unknown group', withEvidence('keywords: {some: [a]}'), false],
    ['keywords with an empty entry', withEvidence('keywords: [预算, " "]'), false],
    ['a /regex/ keyword with the g flag', withEvidence('keywords: ["/预算/g"]'), false],
    ['concurrency 0', 'version: 1\nsettings: {concurrency: 0}\nindicators:\n  - weight: 1\n    evidence: []\n', false],
    ['per_host_rate too high', 'version: 1\nsettings: {per_host_rate: 2000}\nindicators:\n  - weight: 1\n    evidence: []\n', false],
    ['retries 1.5', 'version: 1\nsettings: {retries: 1.5}\nindicators:\n  - weight: 1\n    evidence: []\n', false],
    ['timeout as a bare number', 'version: 1\nsettings: {timeout: 20}\nindicators:\n  - weight: 1\n    evidence: []\n', false],
    ['soft_404_phrases as text', 'version: 1\nsettings: {soft_404_phrases: 已停更}\nindicators:\n  - weight: 1\n    evidence: []\n', false],
    ['settings as a list', 'version: 1\nsettings: [1]\nindicators:\n  - weight: 1\n    evidence: []\n', false],
  ];

  it('has both valid and invalid cases', () => {
    expect(cases.filter((c) => c[2]).length).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => !c[2]).length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s', (_what, text, valid) => {
    const loader = parseCriteria(text, 'snippet.yaml');
    expect(loader.criteria !== undefined, loader.diagnostics.map((d) => d.message).join('; ')).toBe(valid);
    const errors = schemaErrors(text);
    expect(errors.length === 0, errors.map((e) => `${e.instancePath} ${e.message}`).join('; ')).toBe(valid);
  });

  /**
   * What a schema cannot say. Each line keeps the gap visible: when the loader or the schema
   * changes so that the two agree, the test fails and the entry can go.
   */
  const gaps: Array<[string, string, { schema: boolean; loader: boolean }]> = [
    // Needs the whole file or running code: the loader checks, the schema cannot.
    ['a duplicate indicator id', [
      'version: 1', 'indicators:',
      '  - id: a', '    weight: 1', '    evidence: []',
      '  - id: a', '    weight: 1', '    evidence: []',
    ].join('\n') + '\n', { schema: true, loader: false }],
    ['an invalid CSS selector', withEvidence('selector: "div["'), { schema: true, loader: false }],
    ['an invalid regular expression', withEvidence('keywords: ["/(/"]'), { schema: true, loader: false }],
    ['a backwards status range', withEvidence('status: ["300-200"]'), { schema: true, loader: false }],
    ['a timeout over 1h', 'version: 1\nsettings: {timeout: 2h}\nindicators:\n  - weight: 1\n    evidence: []\n', { schema: true, loader: false }],
    ['a url with an invalid host', leaf('evidence:', '  - "https://exa mple.gov.cn/"'), { schema: true, loader: false }],
    // Quirks the loader tolerates and the schema flags, on purpose: write them the plain way.
    ['a quoted number in settings', 'version: 1\nsettings: {concurrency: "8"}\nindicators:\n  - weight: 1\n    evidence: []\n', { schema: false, loader: true }],
    ['a url without // ("http:example.com")', leaf('evidence:', '  - "http:www.example.gov.cn/a"'), { schema: false, loader: true }],
  ];

  it.each(gaps)('known gap: %s', (_what, text, expected) => {
    expect({ schema: schemaAccepts(text), loader: loaderAccepts(text) }).toEqual(expected);
  });
});

/** The properties a schema object declares with a schema of their own. */
function declared(obj: Json): Record<string, Json> {
  const properties = (obj.properties ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(properties).filter(([, v]) => typeof v === 'object' && v !== null)) as Record<string, Json>;
}

function resolve(ref: string): Json {
  let node: unknown = schema;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json)[part];
  expect(node, ref).toBeDefined();
  return node as Json;
}
