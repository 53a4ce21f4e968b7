import { TextDecoder } from 'node:util';
import { getEncoding } from 'encoding-sniffer';
import iconv from 'iconv-lite';

/**
 * Decodes a body the way a browser would: BOM, then the Content-Type charset, then <meta>.
 * The sniffer answers with WHATWG names, where gb2312 and GBK mean the GBK decoder, which the
 * standard defines as GB18030's; iconv-lite's own "gbk" table lacks GB18030's four-byte
 * characters, so GBK is decoded as gb18030.
 */
export function decodeBody(body: Buffer, contentType: string | undefined): string {
  const label = /charset\s*=\s*["']?([^;"'\s]+)/i.exec(contentType ?? '')?.[1];
  const sniffed = getEncoding(body, { ...(label ? { transportLayerEncodingLabel: label } : {}), maxBytes: 4096 });
  const encoding = /^(gbk|gb2312|gb18030)$/i.test(sniffed) ? 'gb18030' : sniffed === 'windows-1252' ? guessUndeclared(body) : sniffed;
  // Buffer's own UTF-8 decoding is the fastest there is; TextDecoder would drop the BOM, so do that here.
  if (encoding.toLowerCase() === 'utf-8') return body.toString('utf8', hasUtf8Bom(body) ? 3 : 0);
  const native = nativeDecoder(encoding);
  if (native) return native.decode(body);
  // A label iconv-lite lacks (x-user-defined, …) is read as the bytes suggest rather than failing the page.
  return iconv.decode(body, iconv.encodingExists(encoding) ? encoding : guessUndeclared(body));
}

function hasUtf8Bom(body: Buffer): boolean {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
}

const nativeDecoders = new Map<string, TextDecoder | undefined>();

/**
 * Node's own WHATWG decoder, where its ICU has the encoding: about twice as fast as iconv-lite for
 * UTF-8 and GB18030, the encodings nearly every page is in. Like iconv-lite, it drops a BOM and
 * writes U+FFFD for bytes that are invalid. A Node built with small ICU lacks GB18030; iconv-lite
 * covers that, and labels neither knows.
 */
function nativeDecoder(encoding: string): TextDecoder | undefined {
  const label = encoding.toLowerCase();
  if (!nativeDecoders.has(label)) {
    let decoder: TextDecoder | undefined;
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = undefined; // RangeError: not an encoding this Node knows
    }
    nativeDecoders.set(label, decoder);
  }
  return nativeDecoders.get(label);
}

/**
 * windows-1252 is the sniffer's fallback when nothing declares a charset. Chinese sites that
 * declare nothing are UTF-8 or GB18030 in practice, so pick whichever the bytes are valid as.
 */
function guessUndeclared(body: Buffer): string {
  try {
    // stream: a body cut at the size cap may end inside a character; that alone is no evidence.
    new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}
