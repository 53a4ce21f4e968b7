import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyRunFlags } from '../commands/options.js';
import type { Io } from '../commands/io.js';
import { defaultSettings } from '../criteria/settings.js';
import { sniffKind } from '../documents/detect.js';
import { createDispatcher } from '../fetch/agent.js';
import { decodeBody } from '../fetch/decode.js';
import { fetchUrl } from '../fetch/fetcher.js';
import { HostScheduler } from '../fetch/scheduler.js';
import { explain, type Lang } from '../i18n/index.js';
import { NetworkConfigError, parseCaPem, resolveProxy, type NetworkOptions } from '../network/index.js';
import { EXIT } from '../exit-codes.js';
import { describeFsError } from '../util/fs-errors.js';
import { ImportError } from './types.js';

/**
 * Where the table comes from: a file, or a URL fetched once with the auditor's own fetch (its
 * User-Agent, proxy and TLS options, redirects and retries, charset decoding). The type comes from
 * the bytes, as for evidence: a ZIP holding word/ or xl/ is a DOCX or XLSX whatever its name;
 * anything else is text, and HTML when it reads as markup.
 */

export type SourceKind = 'text' | 'html' | 'docx' | 'xlsx';

export interface Source {
  kind: SourceKind;
  body: Buffer;
  /** Decoded text, for text and HTML. */
  text?: string;
  /** The page's final address, against which its relative links resolve. */
  base?: string;
}

/** The network flags `audit import` shares with `audit`. */
export interface FetchFlags {
  proxy?: string;
  insecure?: boolean;
  ca?: string[];
  timeout?: string;
  userAgent?: string;
}

/** The document cap the auditor uses for evidence files: no published table comes near it. */
const MAX_SOURCE_BYTES = defaultSettings().maxDocumentBytes;

export function isUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec.trim());
}

export async function readSource(spec: string, io: Io, flags: FetchFlags, lang: Lang): Promise<Source> {
  if (isUrl(spec)) {
    if (!URL.canParse(spec.trim())) throw new ImportError('it is not a valid web address', 'pass the address as the browser shows it, e.g. https://www.example.gov.cn/art/2021/12/20/art_1.html');
    const fetched = await fetchSource(spec.trim(), io, flags, lang);
    return { ...classify(fetched.body, fetched.contentType), base: fetched.finalUrl };
  }
  return classify(await readFileCapped(resolve(io.cwd, spec)));
}

async function readFileCapped(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(code === 'ENOENT' ? 'file not found' : `cannot read it: ${describeFsError(error)}`,
      'pass the path of the published table (.html, .txt, .docx, .xlsx) or its http(s) address');
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new ImportError('it is a folder', 'pass the path of the published table file inside it');
    if (info.size > MAX_SOURCE_BYTES) throw tooLarge();
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function tooLarge(): ImportError {
  return new ImportError(`it is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB, which no assessment table is`, 'check that this is the published table');
}

/** What the bytes are. Kinds the importer cannot read are refused here, each with what to do instead. */
export function classify(body: Buffer, contentType?: string): Source {
  if (body.length === 0) throw new ImportError('it is empty', 'pass the published table: the saved page, or the Word or Excel file');
  const sniffed = sniffKind(body);
  if (sniffed) {
    if (sniffed.kind === 'docx' || sniffed.kind === 'xlsx') return { kind: sniffed.kind, body };
    throw unreadable(sniffed.encrypted ? 'encrypted' : sniffed.kind);
  }
  if (body.subarray(0, 8192).includes(0)) throw unreadable('unknown');
  const text = decodeBody(body, contentType ?? (/^\s*</.test(body.subarray(0, 64).toString('latin1')) ? 'text/html' : undefined));
  const head = text.slice(0, 4096);
  const html = /^\s*</.test(text) || /<(html|body|table|div|p)\b/i.test(head);
  return { kind: html ? 'html' : 'text', body, text };
}

function unreadable(kind: string): ImportError {
  const [message, fix] = UNREADABLE[kind] ?? UNREADABLE.unknown!;
  return new ImportError(message, fix);
}

const UNREADABLE: Record<string, [string, string]> = {
  pdf: ['it is a PDF, whose table cells cannot be told apart reliably', 'import the web page, Word or Excel version of the table'],
  doc: ['it is a Word 97-2003 document (.doc), which is not read', 'open it in Word or WPS and save it as .docx, then import that'],
  xls: ['it is an Excel 97-2003 workbook (.xls), which is not read', 'open it in Excel or WPS and save it as .xlsx, then import that'],
  encrypted: ['it is a password-protected Office document', 'save an unprotected copy and import that'],
  unknown: ['it is not a web page, text, DOCX or XLSX file', 'pass the published table: the saved page (.html), its text (.txt), or the Word (.docx) or Excel (.xlsx) file'],
};

interface Fetched {
  body: Buffer;
  contentType?: string;
  finalUrl: string;
}

/** One GET, with redirects and retries, as the auditor fetches evidence. */
async function fetchSource(url: string, io: Io, flags: FetchFlags, lang: Lang): Promise<Fetched> {
  const settings = applyRunFlags(defaultSettings(), { ...(flags.timeout ? { timeout: flags.timeout } : {}), ...(flags.userAgent ? { userAgent: flags.userAgent } : {}) });
  const network = await networkOptions(flags, io);
  const dispatcher = io.dispatcher ?? createDispatcherOrRefuse(settings.timeoutMs, network);
  const scheduler = new HostScheduler({ concurrency: 1, perHostConcurrency: 1, perHostRate: settings.perHostRate });
  try {
    const proxy = proxyOf(flags, io);
    const result = await fetchUrl(url, { dispatcher, scheduler, settings, ...(io.signal ? { signal: io.signal } : {}), ...(proxy ? { proxy } : {}) });
    if (!result.ok) {
      if (result.error.code === 'INTERRUPTED') throw new ImportError('interrupted before the page arrived', 'run it again', EXIT.INTERRUPTED);
      throw new ImportError(`it could not be fetched: ${explain(result.error, lang)}`, 'check the address, or save the page or file and import it from disk');
    }
    if (result.status < 200 || result.status > 299) {
      throw new ImportError(`the server answered HTTP ${result.status}`, 'check the address: it must open the published table itself');
    }
    if (result.truncated) throw tooLarge();
    const contentType = result.headers['content-type'];
    return { body: result.body, finalUrl: result.finalUrl, ...(contentType ? { contentType } : {}) };
  } finally {
    if (!io.dispatcher) await dispatcher.close();
  }
}

async function networkOptions(flags: FetchFlags, io: Io): Promise<Omit<NetworkOptions, 'timeoutMs'>> {
  const ca: string[] = [];
  for (const file of flags.ca ?? []) {
    try {
      const handle = await open(resolve(io.cwd, file), 'r');
      try {
        ca.push(...parseCaPem(await handle.readFile('utf8'), file));
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new ImportError(`--ca ${file}: ${error instanceof NetworkConfigError ? error.message : describeFsError(error)}`, 'pass a PEM file of root certificates');
    }
  }
  return {
    env: io.env,
    ...(flags.insecure ? { insecureHosts: () => true } : {}),
    ...(ca.length ? { ca } : {}),
    ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}),
  };
}

function proxyOf(flags: FetchFlags, io: Io) {
  try {
    return resolveProxy({ ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}), env: io.env });
  } catch (error) {
    throw new ImportError(`--proxy: ${(error as Error).message}`, 'check --proxy and HTTP_PROXY/HTTPS_PROXY');
  }
}

function createDispatcherOrRefuse(timeoutMs: number, network: Omit<NetworkOptions, 'timeoutMs'>) {
  try {
    return createDispatcher({ timeoutMs }, network);
  } catch (error) {
    if (error instanceof NetworkConfigError) throw new ImportError(error.message, 'check --proxy, HTTP_PROXY/HTTPS_PROXY and --ca');
    throw error;
  }
}
