import { pageFromHtml, preparePage, unsettledByScript, type EvaluateOptions, type Page } from './check/evaluate.js';
import { detectBotWall } from './check/signatures.js';
import { decodeBody } from './fetch/decode.js';
import { labelRequests, spliceHtml, type Splice } from './quirks/index.js';
import type { Evidence, HostSettings, RenderMode } from './model/criteria.js';
import type { EvidenceArchive } from './archive/index.js';
import type { ArchiveRecordRef } from './model/archive.js';
import type { FetchedResponse, FetchResult } from './model/fetch.js';
import { noBrowser, renderedResponse, type Renderer } from './render/index.js';
import { detectDocument, extractDocument } from './documents/index.js';

/** What the run can use beyond plain fetching: a browser and an archive, each optional. */
export interface InspectTools {
  renderer?: Renderer;
  /** --render on the command line; without it, each evidence's own `render`, then its host's. */
  renderOverride?: RenderMode;
  archive?: EvidenceArchive;
  env: Record<string, string | undefined>;
  hostOf: (host: string) => HostSettings | undefined;
  /** The headers and cookies the criteria give a host, as the fetch sends them. */
  hostHeaders: (host: string) => Record<string, string>;
  /** --insecure or a host's insecure: true; the browser must accept what the fetch accepted. */
  insecureHosts?: (hostname: string) => boolean;
  stopped: () => boolean;
}

/** What one URL's inspection may do beyond its own fetch: fetch more from the same host, and archive. */
export interface PageIo {
  /** The run's polite fetch (same host limits, archived with the page): for lists a page loads by script. */
  fetch: (url: string) => Promise<FetchResult>;
  refs: Promise<ArchiveRecordRef>[];
}

/**
 * A fetched page, with what its scripts would show read in where the auditor can (quirks/), and
 * rendered in the browser when the criteria ask for it or when a check would fail on HTML that a
 * script may still fill. The rendered DOM replaces the fetched HTML, so every check judges what a
 * visitor would see.
 */
export async function inspectPage(fetched: FetchedResponse, citing: Evidence[], options: EvaluateOptions, tools: InspectTools, io: PageIo): Promise<Page> {
  // Before the HTML test: Office files' own content types contain "xml".
  const detected = fetched.status < 300 ? detectDocument(fetched.body, fetched.headers, fetched.finalUrl) : undefined;
  if (detected && detected.kind !== 'unknown') return { response: fetched, document: await extractDocument(fetched.body, detected.kind) };
  const contentOnly = citing.every(readsNoText) && !options.errorPage?.longerThanPrefix;
  let page = preparePage(fetched, { contentOnly, judgedBy: options });
  if (!page.facts || tools.stopped()) return page;
  if (!contentOnly && page.scriptLoader?.loader === 'label') page = await withLabelLists(page, io.fetch);
  const target = new URL(fetched.finalUrl);
  const mode = renderModeFor(citing, tools.renderOverride, tools.hostOf(target.host)?.render);
  if (mode === 'never' || tools.stopped()) return page;
  if (mode === 'auto' && !citing.some((evidence) => unsettledByScript(evidence, page, options))) return page;

  const rendered = tools.renderer
    ? await tools.renderer.render(fetched.finalUrl, {
      screenshot: Boolean(tools.archive),
      insecure: Boolean(tools.insecureHosts?.(target.hostname)),
      headers: tools.hostHeaders(target.host),
    })
    : noBrowser(tools.env);
  if (!rendered.ok) return { ...page, renderFailure: rendered, ...(mode === 'always' ? { renderRequired: true } : {}) };

  const renderedAt = new Date();
  if (tools.archive) {
    io.refs.push(tools.archive.addResource(fetched.finalUrl, 'text/html; charset=utf-8', Buffer.from(rendered.html, 'utf8'), 'rendered-dom', renderedAt));
    if (rendered.screenshot) io.refs.push(tools.archive.addResource(fetched.finalUrl, 'image/png', rendered.screenshot, 'screenshot', renderedAt));
  }
  return { ...preparePage(renderedResponse(fetched, rendered), { rendered: true }), rendered: true };
}

/**
 * An Anhui column page's list, fetched from /site/label/ as its script would and read where the
 * script stands. Any request that cannot be read or does not answer with a list leaves the page
 * as it was: still waiting for its script, so it is rendered or left unverified, never failed.
 */
async function withLabelLists(page: Page, fetch: PageIo['fetch']): Promise<Page> {
  const requests = labelRequests(page.facts!, page.response.finalUrl);
  if (requests.length === 0 || requests.some((r) => !r.url)) return page;
  const fragments: Splice[] = [];
  for (const { script, url } of requests) {
    const answer = await fetch(url!);
    const html = answer.ok ? labelFragment(answer) : undefined;
    if (html === undefined) return page;
    const last = fragments[fragments.length - 1];
    if (last?.start === script.start) last.html += html; // two lists from one script
    else fragments.push({ start: script.start, end: script.end, html });
  }
  const withLists = pageFromHtml(page.response, spliceHtml(page.html!, fragments));
  return { ...withLists, listFrom: requests.map((r) => r.url!) };
}

/** A label answers 200 with an HTML fragment; an error page, a wall or JSON is no list. */
function labelFragment(answer: FetchedResponse): string | undefined {
  if (answer.status < 200 || answer.status >= 300) return undefined;
  const type = answer.headers['content-type'] ?? '';
  if (type && !/html|text\/plain/i.test(type)) return undefined;
  const html = decodeBody(answer.body, type);
  if (detectBotWall(answer.status, answer.headers, html, undefined)) return undefined;
  return `<div data-evidence-audit="label-list">${html}</div>`;
}

function readsNoText(evidence: Evidence): boolean {
  const { keywords, maxAge, selector } = evidence.checks;
  return !keywords && !maxAge && !selector;
}

/** One fetch serves every evidence citing the URL: render if any of them asks for it. */
function renderModeFor(citing: Evidence[], override: RenderMode | undefined, hostRender: RenderMode | undefined): RenderMode {
  if (override) return override;
  const modes = citing.map((e) => e.checks.render ?? hostRender ?? 'auto');
  if (modes.includes('always')) return 'always';
  return modes.every((m) => m === 'never') ? 'never' : 'auto';
}
