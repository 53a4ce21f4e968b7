import { hasUrl, LABEL_MAX, readEvidence, saysNone } from './evidence.js';
import { numeralFor, parseHeading, parseMarker, titleAmong, type Heading } from './headings.js';
import { newNode, type MarkerFamily, type Outline, type OutlineNode, type RichLine } from './types.js';

/**
 * A table published as an article (the Huainan seed): section and indicator headings with their
 * weights, the requirement paragraph under each, then the evidence. The outline's levels are the
 * numbering styles in the order the document first uses them with a weight, so 一、/（一） and
 * 1./（1） are read alike, whatever style a document starts with.
 */

/**
 * Lines of the page around the article that carry no part of the table: the feedback form
 * government article pages end with, print/close buttons, the date-and-source line. They are
 * dropped rather than reported as text the importer did not understand.
 */
const PAGE_CHROME: readonly RegExp[] = [
  /^[•·]?\s*\*?\s*(姓\s*名|联系方式|联系电话|电子邮箱|验\s*证\s*码|内\s*容)\s*[:：]\s*$/,
  /请您.{0,40}提出.{0,12}(意见|建议)/,
  /^[【[]?(打印本页|打印|关闭窗口|关闭|扫一扫在手机打开当前页|分享到)[】\]]?$/,
  /发布时间\s*[:：].*(信息来源|来源)\s*[:：]/,
];

/** A numbered line without a weight is a heading only if short: longer, it is a numbered paragraph. */
const HEADING_MAX = 30;

interface Frame {
  node: OutlineNode;
  level: number;
  body: RichLine[];
}

/** `base`: the page's address, for relative links. An outline with no roots means no table was found. */
export function readArticle(lines: readonly RichLine[], base?: string): Outline {
  const kept = lines.map((l) => ({ ...l, text: l.text.trim() })).filter((l) => l.text !== '' && !PAGE_CHROME.some((p) => p.test(l.text)));
  const levels = headingLevels(kept);
  const outline: Outline = { roots: [], doubts: [] };
  if (levels.length === 0) return outline;
  const frames: Frame[] = [];
  const stack: Frame[] = [];
  const preamble: RichLine[] = [];
  for (const line of kept) {
    const found = headingAt(line, levels, stack);
    if (found) frames.push(open(found.heading, found.level, line, stack, outline));
    else (stack.at(-1)?.body ?? preamble).push(line);
  }
  for (const frame of frames) fillBody(frame, base);
  const title = titleAmong(preamble);
  return title ? { ...outline, title } : outline;
}

/**
 * The numbering styles that head the outline, top first: those printed with a weight, in order of
 * first use, and above them a style that heads sections printed without one (一、决策公开 over
 * weighted 1./（1）) when every such section holds a weighted heading.
 */
function headingLevels(lines: readonly RichLine[]): MarkerFamily[] {
  const weighted: MarkerFamily[] = [];
  let first = -1;
  lines.forEach((line, i) => {
    const h = parseHeading(line.text);
    if (!h.marker || hasUrl(line) || (h.weight === undefined && h.unreadWeight === undefined)) return;
    if (first < 0) first = i;
    if (!weighted.includes(h.marker.family)) weighted.push(h.marker.family);
  });
  if (first < 0) return [];
  const section = sectionFamily(lines, first, weighted);
  return section ? [section, ...weighted] : weighted;
}

function sectionFamily(lines: readonly RichLine[], first: number, weighted: MarkerFamily[]): MarkerFamily | undefined {
  const before = lines.slice(0, first).map((l) => parseMarker(l.text)).filter((m) => m !== undefined).at(-1);
  const family = before?.marker.family;
  if (!family || weighted.includes(family) || before.marker.number !== 1) return undefined;
  // Every section line must be followed by a weighted heading before the next section line.
  let holdsWeighted = true;
  let sawSection = false;
  for (const line of lines.slice(first)) {
    const h = parseHeading(line.text);
    if (h.marker?.family === family && !h.weight) {
      if (!holdsWeighted) return undefined;
      holdsWeighted = false;
      sawSection = true;
    } else if (h.marker && weighted.includes(h.marker.family) && h.weight !== undefined) {
      holdsWeighted = true;
    }
  }
  return !sawSection || holdsWeighted ? family : undefined;
}

function headingAt(line: RichLine, levels: MarkerFamily[], stack: Frame[]): { heading: Heading; level: number } | undefined {
  const heading = parseHeading(line.text);
  const level = heading.marker ? levels.indexOf(heading.marker.family) : -1;
  // "1.政策解读：https://…" is evidence, however it is numbered.
  if (!heading.marker || level < 0 || heading.title === '' || hasUrl(line)) return undefined;
  const weighed = heading.weight !== undefined || heading.unreadWeight !== undefined;
  if (weighed) return { heading, level };
  // A numbered sentence ("2.公开征求意见情况。") is a requirement's list item, not a heading.
  const sentence = /[。；;，,：:]$/.test(line.text);
  const fits = !sentence && heading.title.length <= HEADING_MAX && heading.marker.number === expectedNumber(level, stack);
  return fits ? { heading, level } : undefined;
}

/** The number the next heading at `level` should carry: one after its elder sibling's, or 1. */
function expectedNumber(level: number, stack: readonly Frame[]): number {
  const sibling = stack.find((f) => f.level === level);
  return sibling ? (sibling.node.marker?.number ?? 0) + 1 : 1;
}

function open(heading: Heading, level: number, line: RichLine, stack: Frame[], outline: Outline): Frame {
  const expected = expectedNumber(level, stack);
  while (stack.length > 0 && stack.at(-1)!.level >= level) stack.pop();
  const node = newNode(heading.title, line.where, heading.marker);
  if (heading.weight !== undefined) node.weight = heading.weight;
  if (heading.unreadWeight !== undefined) {
    node.weightDoubts.push(`the weight could not be read from "${heading.unreadWeight}" (${line.where}); fill it in`);
  }
  if (heading.marker && heading.marker.number !== expected) {
    const wanted = numeralFor(heading.marker.family, expected);
    node.doubts.push(`numbered ${heading.marker.numeral} where ${wanted} was expected (${line.where}): check for a missing or repeated indicator`);
  }
  const parent = stack.at(-1);
  (parent ? parent.node.children : outline.roots).push(node);
  const frame: Frame = { node, level, body: [] };
  stack.push(frame);
  return frame;
}

/** The requirement paragraph first, then the evidence; a section keeps its text but cannot hold links. */
function fillBody({ node, body }: Frame, base: string | undefined): void {
  const start = evidenceStart(body);
  const requirement = body.slice(0, start).map((l) => l.text).join('\n');
  if (requirement) node.requirement = requirement;
  const rest = body.slice(start);
  if (node.children.length > 0) {
    const links = readEvidence(rest, base).evidence.map((e) => e.url);
    if (links.length > 0) {
      node.doubts.push(`links under the heading itself, not under one of its indicators, were not imported: ${links.join(' ')} (${node.where})`);
    }
    return;
  }
  const read = readEvidence(rest, base);
  node.evidence = read.evidence;
  node.doubts.push(...read.doubts);
}

/** Where the evidence begins: the first address or "无", or the label line just before an address. */
function evidenceStart(body: readonly RichLine[]): number {
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    if (hasUrl(line) || saysNone(line.text)) return i;
    const labelLike = line.text.length <= LABEL_MAX && !/[。；;]$/.test(line.text);
    const next = body[i + 1];
    if (labelLike && (/[:：]$/.test(line.text) || (next !== undefined && hasUrl(next)))) return i;
  }
  return body.length;
}
