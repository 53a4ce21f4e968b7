import type { FetchedResponse } from '../model/fetch.js';
import type { Rendered } from './types.js';

/**
 * The fetched response with its body replaced by the rendered DOM, for preparePage(): the rendered
 * page then goes through exactly the same checks as a plain one. Status, headers (Last-Modified
 * among them) and the redirect chain stay the fetch's own, which the status check already judged.
 * The DOM is a decoded string, so it is re-encoded as UTF-8 and labelled so; the page's own
 * <meta charset="gbk">, still in the DOM, loses to the Content-Type header as it would in a browser.
 */
export function renderedResponse(fetched: FetchedResponse, rendered: Rendered): FetchedResponse {
  const headers = Object.fromEntries(Object.entries(fetched.headers)
    .filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(name.toLowerCase())));
  headers['content-type'] = 'text/html; charset=utf-8';
  return { ...fetched, headers, body: Buffer.from(rendered.html, 'utf8'), truncated: false };
}
