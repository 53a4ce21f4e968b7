import type { EvaluateOptions, Page } from './check/evaluate.js';
import { preparePage } from './check/evaluate.js';
import type { Evidence, HostSettings, RenderMode } from './criteria/types.js';
import type { ArchiveRecordRef, EvidenceArchive } from './archive/index.js';
import type { FetchedResponse } from './fetch/fetcher.js';
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

/**
 * A fetched page, rendered in the browser when the criteria or the page call for it. The
 * rendered DOM replaces the fetched HTML, so every check judges what a visitor would see.
 */
export async function inspectPage(fetched: FetchedResponse, citing: Evidence[], options: EvaluateOptions, tools: InspectTools, refs: Promise<ArchiveRecordRef>[]): Promise<Page> {
  // Before the HTML test: Office files' own content types contain "xml".
  const detected = fetched.status < 300 ? detectDocument(fetched.body, fetched.headers, fetched.finalUrl) : undefined;
  if (detected && detected.kind !== 'unknown') return { response: fetched, document: await extractDocument(fetched.body, detected.kind) };
  const contentOnly = citing.every(readsNoText) && !options.errorPage?.longerThanPrefix;
  const page = preparePage(fetched, options.now, { contentOnly });
  if (!page.facts || tools.stopped()) return page;
  const target = new URL(fetched.finalUrl);
  const mode = renderModeFor(citing, tools.renderOverride, tools.hostOf(target.host)?.render);
  if (mode === 'never' || (mode === 'auto' && !page.scriptLoader)) return page;

  const rendered = tools.renderer
    ? await tools.renderer.render(fetched.finalUrl, {
      screenshot: Boolean(tools.archive),
      insecure: Boolean(tools.insecureHosts?.(target.hostname)),
      headers: tools.hostHeaders(target.host),
    })
    : noBrowser(tools.env);
  if (!rendered.ok) return { ...page, renderFailure: rendered };

  const renderedAt = new Date();
  if (tools.archive) {
    refs.push(tools.archive.addResource(fetched.finalUrl, 'text/html; charset=utf-8', Buffer.from(rendered.html, 'utf8'), 'rendered-dom', renderedAt));
    if (rendered.screenshot) refs.push(tools.archive.addResource(fetched.finalUrl, 'image/png', rendered.screenshot, 'screenshot', renderedAt));
  }
  return { ...preparePage(renderedResponse(fetched, rendered), options.now), rendered: true };
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
