import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Draft, DraftIndicator } from './tree.js';

/**
 * The criteria file as YAML, in the documented format, with each doubt as a comment on the line it
 * is about (the weight, the URL, the indicator's title), so the reader fixes them where they sit.
 */

const DOUBT = 'doubt:';

export interface WriteOptions {
  /** What was imported, as the user named it: a path or a URL. */
  source: string;
  /** --max-age: set for every evidence under defaults:. */
  maxAge?: string;
}

export function writeCriteriaYaml(draft: Draft, options: WriteOptions): string {
  const doc = new Document({
    version: 1,
    title: draft.title,
    ...(options.maxAge ? { defaults: { max_age: options.maxAge } } : {}),
    indicators: draft.indicators.map(plainIndicator),
  });
  doc.commentBefore = headerComment(options);
  remark(doc.get('title', true) as Scalar, draft.doubts);
  const top = doc.get('indicators', true) as YAMLSeq<YAMLMap>;
  top.items.forEach((item, i) => {
    // A blank line between sections, as the published table separates them.
    if (i > 0) item.spaceBefore = true;
    annotate(item, draft.indicators[i]!);
  });
  return doc.toString({ lineWidth: 0 });
}

function plainIndicator(d: DraftIndicator): Record<string, unknown> {
  return {
    id: d.id,
    title: d.title,
    weight: d.weight,
    ...(d.requirement ? { requirement: d.requirement } : {}),
    ...(d.children.length > 0
      ? { indicators: d.children.map(plainIndicator) }
      : { evidence: (d.evidence ?? []).map((e) => ({ ...(e.title ? { title: e.title } : {}), url: e.url })) }),
  };
}

/** Ids are always quoted, as in the bundled criteria.yaml: "1.2" must stay a string, not become a number. */
function annotate(node: YAMLMap, draft: DraftIndicator): void {
  (node.get('id', true) as Scalar).type = 'QUOTE_DOUBLE';
  remark(node.get('title', true) as Scalar, draft.doubts);
  remark(node.get('weight', true) as Scalar, draft.weightDoubts);
  const children = node.get('indicators', true);
  if (isSeq(children)) children.items.forEach((child, i) => annotate(child as YAMLMap, draft.children[i]!));
  const evidence = node.get('evidence', true);
  if (!isSeq(evidence)) return;
  if (evidence.items.length === 0) evidence.flow = true;
  evidence.items.forEach((item, i) => {
    if (isMap(item)) remark(item.get('url', true) as Scalar, draft.evidence![i]!.doubts);
  });
}

/**
 * One comment on the value's own line. Doubts quote the source, so a line break would leave the
 * line, and a control character (a terminal escape in a page) has no place in YAML or on a terminal:
 * both are shown as \u escapes, as diagnostics show them.
 */
function remark(scalar: Scalar, doubts: readonly string[]): void {
  if (doubts.length === 0) return;
  scalar.comment = ` ${DOUBT} ${doubts.map(oneLine).join(`; ${DOUBT} `)}`;
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function headerComment(options: WriteOptions): string {
  const freshness = options.maxAge
    ? [
      ` Freshness: defaults: max_age: ${options.maxAge} applies to every link (from --max-age).`,
      ' Override it on an indicator or an evidence where a column keeps another pace:',
    ]
    : [
      ' Freshness: no max_age is set, so no link is checked for being up to date. To check it, add',
      ' max_age to an indicator or an evidence (or under defaults: for all), e.g. `max_age: notice`:',
    ];
  return [
    ` Imported by \`audit import\` from ${options.source.replace(/[\r\n]/g, '')}`,
    ` Check every "${DOUBT}" comment against the published table, then run \`audit validate\`.`,
    '',
    ...freshness,
    '   news       14 days:  动态、要闻类栏目 (news and work updates)',
    '   notice     180 days: 通知公告、政策文件类栏目 (notices, policy documents, topic columns)',
    '   statutory  365 days: 其他法定公开栏目 (annual reports, guides, other statutory columns)',
    ' Fixed documents (a 2021 plan, a published report) need none.',
  ].join('\n');
}

export interface PlacedDoubt {
  line: number;
  text: string;
}

/** The doubts in the written text, with the line each sits on, for the summary. */
export function placedDoubts(text: string): PlacedDoubt[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const out: PlacedDoubt[] = [];
  visit(doc, {
    Scalar(_key, node: Node) {
      if (!isScalar(node) || !node.comment?.trimStart().startsWith(DOUBT) || !node.range) return;
      const { line } = lineCounter.linePos(node.range[0]);
      for (const part of node.comment.trim().split(`; ${DOUBT} `)) out.push({ line, text: part.replace(/^doubt:\s*/, '') });
    },
  });
  return out;
}
