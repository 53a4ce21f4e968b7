import type { LoaderKind } from '../model/reasons.js';
import type { PageFacts, ScriptBlock } from '../check/page.js';
import { standsAloneInPage } from '../check/signatures.js';
import {
  DATA_SCRIPT_TYPES, EMBEDDED_LIST_RENDERERS, LABEL_PATH, LOADER_CALLS, LOADER_SCRIPTS, TEMPLATE_PLACEHOLDER, WIDGETS, WRITER_CALLS,
  type ScriptPattern,
} from './catalogue.js';

/** Why the static HTML may lack part of the page: the kind of loader and what gave it away. */
export interface ScriptLoader {
  loader: LoaderKind;
  phrase: string;
}

export interface LoaderContext {
  /** The page's embedded list (Hanweb datastore) was read, so the script that renders it adds nothing. */
  embeddedListRead?: boolean;
}

const LOADING_PHRASES = ['正在加载', '数据加载中', '加载中', 'loading'];
/** How far after a loader call its address is looked for: `$.ajax({ type: 'get', url: … })`. */
const ADDRESS_WINDOW = 300;

/**
 * The first thing on the page that can fill it by script, if any: an Anhui label request, a
 * fetching call, a data block, a writer, a loader library, or a "正在加载" placeholder.
 * Widgets (counters, analytics, share buttons, pagination) are not loaders: see catalogue.ts.
 */
export function findScriptLoader(page: PageFacts, context: LoaderContext = {}): ScriptLoader | undefined {
  const executable = page.scripts.filter((s) => !s.type || /javascript|ecmascript|module/.test(s.type));
  const inline = executable.filter((s) => !s.src && s.text.trim() !== '');
  return firstOf<ScriptLoader>([
    () => inline.find((s) => LABEL_PATH.test(s.text)) && { loader: 'label', phrase: '' },
    () => firstCall(inline, LOADER_CALLS, isLoaderCall, 'ajax'),
    () => dataBlock(page.scripts),
    () => firstCall(inline, WRITER_CALLS, (s) => !isWidget(s.text), 'write'),
    () => loaderScript(executable, context),
    () => loadingPhrase(page),
  ]);
}

function firstOf<T>(candidates: (() => T | undefined | false | '')[]): T | undefined {
  for (const candidate of candidates) {
    const found = candidate();
    if (found) return found;
  }
  return undefined;
}

function firstCall(scripts: ScriptBlock[], calls: readonly ScriptPattern[], counts: (script: ScriptBlock, at: number) => boolean, loader: LoaderKind): ScriptLoader | undefined {
  for (const script of scripts) {
    for (const { name, pattern } of calls) {
      const match = pattern.exec(script.text);
      if (match && counts(script, match.index)) return { loader, phrase: name };
    }
  }
  return undefined;
}

/** A fetching call counts unless the address it fetches is a widget's (a visit counter). */
function isLoaderCall(script: ScriptBlock, at: number): boolean {
  const address = /['"`]([^'"`\s]*\/[^'"`\s]*)['"`]/.exec(script.text.slice(at, at + ADDRESS_WINDOW))?.[1];
  return !(address && isWidget(address));
}

function isWidget(text: string): boolean {
  return WIDGETS.some(({ pattern }) => pattern.test(text));
}

/** A JSON block or a template with placeholders is turned into content by script; a data block without placeholders is content already (embedded.ts). */
function dataBlock(scripts: ScriptBlock[]): ScriptLoader | undefined {
  const block = scripts.find((s) => DATA_SCRIPT_TYPES.test(s.type) && (s.type.endsWith('json') || TEMPLATE_PLACEHOLDER.test(s.text)));
  return block ? { loader: 'data', phrase: `<script type="${block.type}">` } : undefined;
}

/** A loader library by its file name, or a list renderer (by name or inline) whose list is not in the page. */
function loaderScript(scripts: ScriptBlock[], context: LoaderContext): ScriptLoader | undefined {
  const renderers = context.embeddedListRead ? [] : EMBEDDED_LIST_RENDERERS;
  for (const script of scripts) {
    const known = script.src
      ? [...LOADER_SCRIPTS, ...renderers].find(({ pattern }) => pattern.test(script.src!))
      : renderers.find(({ pattern }) => pattern.test(script.text));
    if (known) return { loader: 'library', phrase: known.name };
  }
  return undefined;
}

function loadingPhrase(page: PageFacts): ScriptLoader | undefined {
  const phrase = LOADING_PHRASES.find((p) => standsAloneInPage(page, p, 4));
  return phrase ? { loader: 'text', phrase } : undefined;
}
