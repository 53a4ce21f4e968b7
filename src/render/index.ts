/**
 * Rendering of script-filled pages in the system's headless Chromium (never a downloaded one).
 * See Renderer for the browser's lifetime: the caller must close() it in a `finally`.
 */
export { BROWSER_CANDIDATES, INSTALL_HINT, findBrowser, isExecutableFile, noBrowser } from './browser-path.js';
export { schedulerGate } from './gate.js';
export { Renderer } from './renderer.js';
export { renderedResponse } from './response.js';
export {
  renderFailure, type Rendered, type RenderFailure, type RenderFailureCode, type RenderOptions, type RenderRequest, type RenderResult,
} from './types.js';
