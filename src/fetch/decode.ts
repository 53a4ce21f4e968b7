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
  // A label iconv-lite lacks (x-user-defined, …) is read as the bytes suggest rather than failing the page.
  return iconv.decode(body, iconv.encodingExists(encoding) ? encoding : guessUndeclared(body));
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
