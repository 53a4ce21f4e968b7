/**
 * Site-specific behaviour of the content-management systems Chinese government sites run on, kept
 * in one place: which scripts fill a page (catalogue.ts), lists embedded as data (Hanweb), and
 * lists loaded from Anhui's /site/label/ (anhui-label.ts). The checks stay CMS-agnostic.
 */
export { findScriptLoader, type LoaderContext, type ScriptLoader } from './loaders.js';
export { embeddedLists, spliceHtml, type Splice } from './embedded.js';
export { labelRequests, type LabelRequest } from './anhui-label.js';
