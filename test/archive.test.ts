import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { CDXIndexer, WARCParser, type WARCRecord } from 'warcio';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveHref, EvidenceArchive, toArchivedExchange, type ArchivedExchange, type ArchiveIndex } from '../src/archive/index.js';
import { TOOL } from '../src/criteria/settings.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'evidence-audit-archive-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const NOW = new Date('2021-12-20T01:02:03.456Z');
const FETCHED = new Date('2021-12-20T01:02:04.500Z');
const RENDERED = new Date('2021-12-20T01:02:09.000Z');

/** A 1×1 transparent PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const HTML_URL = 'http://127.0.0.1:8080/public/column/6596?type=4&action=list';
const JSON_URL = 'http://127.0.0.1:8080/site/label/8888?IsAjax=1';
// GB18030 bytes as the server sent them, with a rare character (𠀀) that only GB18030 can carry.
const HTML_TEXT = '<html><head><meta charset="gb2312"><title>财政信息公开</title></head><body><p>淮南市2021年预算公开 𠀀 [2021-12-20]</p></body></html>';
const HTML_BYTES = iconv.encode(HTML_TEXT, 'gb18030');
const JSON_BYTES = Buffer.from(JSON.stringify({ data: [{ title: '关于2021年财政预算执行情况的报告', date: '2021-12-18' }] }), 'utf8');
const GBK_NAME = iconv.encode('预算.json', 'gbk');
const DOM = Buffer.from('<!DOCTYPE html><html><head><title>财政信息公开</title></head><body><ul><li>关于2021年财政预算执行情况的报告 2021-12-18</li></ul></body></html>', 'utf8');

function htmlExchange(): ArchivedExchange {
  return {
    url: HTML_URL,
    fetchedAt: FETCHED,
    request: {
      method: 'GET',
      headers: { 'user-agent': 'evidence-audit/test', accept: 'text/html', 'accept-encoding': 'gzip, deflate, br', cookie: 'JSESSIONID=secret' },
    },
    response: {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=gb2312',
        'content-encoding': 'gzip',
        'transfer-encoding': 'chunked',
        'content-length': '97',
        'last-modified': 'Mon, 20 Dec 2021 00:00:00 GMT',
        // undici hands header bytes over as latin1; these are the UTF-8 bytes of 附件.pdf.
        'content-disposition': `inline; filename="${Buffer.from('附件.pdf', 'utf8').toString('latin1')}"`,
      },
      body: HTML_BYTES,
    },
  };
}

function jsonExchange(): ArchivedExchange {
  return toArchivedExchange({
    url: JSON_URL,
    fetchedAt: FETCHED,
    requestHeaders: { 'user-agent': 'evidence-audit/test', accept: 'application/json' },
    status: 200,
    // A GBK filename, as many government servers send it: the record keeps these very bytes.
    headers: { 'content-type': 'application/json;charset=UTF-8', 'content-disposition': `attachment; filename="${GBK_NAME.toString('latin1')}"` },
    body: JSON_BYTES,
  });
}

interface ReadRecord {
  record: WARCRecord;
  type: string;
  id: string;
  /** The payload: the HTTP body for request/response records, the block otherwise. */
  body: Buffer;
}

async function readWarc(path: string): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  for await (const record of WARCParser.iterRecords(createReadStream(path))) {
    const body = Buffer.from(await record.readFully(false));
    out.push({ record, type: record.warcType, id: record.warcHeader('WARC-Record-ID') ?? '', body });
  }
  return out;
}

/** Reads the records without parsing HTTP, so each whole block can be checked against its digest. */
async function readBlocks(path: string): Promise<{ id: string; length: number; blockDigest: string | null | undefined; block: Buffer }[]> {
  const out = [];
  for await (const record of WARCParser.iterRecords(createReadStream(path), { parseHttp: false })) {
    const block = Buffer.from(await record.readFully(false));
    out.push({ id: record.warcHeader('WARC-Record-ID') ?? '', length: record.warcContentLength, blockDigest: record.warcBlockDigest, block });
  }
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('EvidenceArchive', () => {
  it('writes a WARC that warcio reads back: warcinfo, request/response pairs, resources, and an index', async () => {
    const dir = join(await tempDir(), 'archive', 'nested');
    const archive = await EvidenceArchive.open(dir, { now: () => NOW });
    expect(archive.warcFile).toBe('evidence-audit-20211220T010203Z.warc.gz');

    // Exchanges and resources arrive concurrently, as fetches and renders finish.
    const [htmlRef, jsonRef, domRef, shotRef] = await Promise.all([
      archive.addExchange(htmlExchange()),
      archive.addExchange(jsonExchange()),
      archive.addResource(HTML_URL, 'text/html; charset=utf-8', DOM, 'rendered-dom', RENDERED),
      archive.addResource(HTML_URL, 'image/png', PNG, 'screenshot', RENDERED),
    ]);
    archive.link({ indicatorId: '一.1', title: '财政信息公开', url: HTML_URL, line: 31 }, [htmlRef, domRef, shotRef]);
    archive.link({ indicatorId: '一.2', title: '预算执行', url: JSON_URL, line: 35 }, [jsonRef]);

    const closed = await archive.close();
    expect(await archive.close()).toEqual(closed); // idempotent
    expect(closed.warcPath).toBe(join(dir, 'evidence-audit-20211220T010203Z.warc.gz'));
    expect(closed.indexPath).toBe(join(dir, 'index.json'));
    expect((await readdir(dir)).sort()).toEqual(['evidence-audit-20211220T010203Z.warc.gz', 'index.json']); // no temp file left

    const records = await readWarc(closed.warcPath);
    expect(records.map((r) => r.type)).toEqual(['warcinfo', 'request', 'response', 'request', 'response', 'resource', 'resource']);
    for (const { record } of records) expect(record.warcHeaders.statusline).toBe('WARC/1.1');

    // warcinfo first, naming the tool and version.
    const info = records[0]!;
    expect(info.record.warcHeader('WARC-Filename')).toBe('evidence-audit-20211220T010203Z.warc.gz');
    expect(info.record.warcContentType).toBe('application/warc-fields');
    expect(info.record.warcDate).toBe('2021-12-20T01:02:03.456Z');
    expect(info.body.toString('utf8')).toContain(`software: ${TOOL.name}/${TOOL.version}`);

    const byId = new Map(records.map((r) => [r.id, r]));
    const responses = records.filter((r) => r.type === 'response');
    for (const response of responses) {
      const requestId = response.record.warcConcurrentTo?.[0];
      const request = byId.get(requestId ?? '');
      expect(request?.type).toBe('request');
      expect(request!.record.warcConcurrentTo).toEqual([response.id]);
      expect(request!.record.warcTargetURI).toBe(response.record.warcTargetURI);
      expect(request!.record.warcDate).toBe('2021-12-20T01:02:04.500Z');
      expect(response.record.warcPayloadDigest).toBe(`sha256:${sha256(response.body)}`);
      expect(response.record.warcHeader('WARC-Evidence-Audit-Note')).toMatch(/^body stored decoded/);
      expect(response.record.warcContentType).toBe('application/http; msgtype=response');
      expect(request!.record.warcContentType).toBe('application/http; msgtype=request');
    }

    // The HTML page: GB18030 bytes exactly as given, headers parsed, encodings gone, length restated.
    const html = responses.find((r) => r.record.warcTargetURI === HTML_URL)!;
    expect(html.id).toBe(htmlRef.recordId);
    expect(html.body.equals(HTML_BYTES)).toBe(true);
    expect(iconv.decode(html.body, 'gb18030')).toBe(HTML_TEXT);
    expect(htmlRef.sha256).toBe(sha256(HTML_BYTES));
    const htmlHttp = html.record.httpHeaders!;
    expect(htmlHttp.statusline).toBe('HTTP/1.1 200 OK');
    expect(htmlHttp.statusCode).toBe(200);
    expect(htmlHttp.headers.get('content-type')).toBe('text/html; charset=gb2312');
    expect(htmlHttp.headers.get('content-length')).toBe(String(HTML_BYTES.length));
    expect(htmlHttp.headers.get('content-encoding')).toBeFalsy();
    expect(htmlHttp.headers.get('transfer-encoding')).toBeFalsy();
    expect(htmlHttp.headers.get('last-modified')).toBe('Mon, 20 Dec 2021 00:00:00 GMT');
    // Header bytes are written as the server sent them (UTF-8 here); warcio, like undici, hands them
    // back one character per byte, so the value reads back exactly as the fetcher had it.
    expect(htmlHttp.headers.get('content-disposition')).toBe(htmlExchange().response.headers['content-disposition']);
    const htmlBlock = (await readBlocks(closed.warcPath)).find((b) => b.id === htmlRef.recordId)!.block;
    expect(htmlBlock.includes(Buffer.from('content-disposition: inline; filename="附件.pdf"\r\n', 'utf8'))).toBe(true);
    expect(html.record.warcHeader('WARC-Evidence-Audit-Note')).toBe(
      'body stored decoded; removed Content-Encoding: gzip, Transfer-Encoding: chunked; Content-Length set to the stored length (was 97)',
    );
    expect(html.record.warcHeader('WARC-Truncated')).toBeFalsy();
    // Content decoding through warcio gives the same bytes: nothing left claims an encoding.
    const htmlRequest = byId.get(html.record.warcConcurrentTo![0]!)!;
    expect(htmlRequest.record.httpHeaders!.statusline).toBe('GET /public/column/6596?type=4&action=list HTTP/1.1');
    expect(htmlRequest.record.httpHeaders!.method).toBe('GET');
    expect(htmlRequest.record.httpHeaders!.headers.get('host')).toBe('127.0.0.1:8080');
    expect(htmlRequest.record.httpHeaders!.headers.get('user-agent')).toBe('evidence-audit/test');
    expect(htmlRequest.record.httpHeaders!.headers.get('cookie')).toBe('[redacted]');
    expect(htmlRequest.record.warcHeader('WARC-Evidence-Audit-Note')).toBe('values of cookie redacted');
    expect(htmlRequest.body.length).toBe(0);

    // The JSON answer.
    const json = responses.find((r) => r.record.warcTargetURI === JSON_URL)!;
    expect(json.id).toBe(jsonRef.recordId);
    expect(json.body.equals(JSON_BYTES)).toBe(true);
    expect(JSON.parse(json.body.toString('utf8')).data[0].title).toBe('关于2021年财政预算执行情况的报告');
    expect(json.record.httpHeaders!.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(json.record.httpHeaders!.headers.get('content-length')).toBe(String(JSON_BYTES.length));
    const jsonBlock = (await readBlocks(closed.warcPath)).find((b) => b.id === jsonRef.recordId)!.block;
    expect(jsonBlock.includes(Buffer.concat([Buffer.from('content-disposition: attachment; filename="'), GBK_NAME, Buffer.from('"\r\n')]))).toBe(true);
    expect(jsonBlock.subarray(jsonBlock.length - JSON_BYTES.length).equals(JSON_BYTES)).toBe(true);

    // Resources: the rendered DOM and the screenshot, with their own content types.
    const dom = byId.get(domRef.recordId)!;
    expect(dom.type).toBe('resource');
    expect(dom.record.warcContentType).toBe('text/html; charset=utf-8');
    expect(dom.record.warcTargetURI).toBe(`urn:dom:${HTML_URL}`);
    expect(dom.record.warcHeader('WARC-Evidence-Audit-Kind')).toBe('rendered-dom');
    expect(dom.record.warcDate).toBe('2021-12-20T01:02:09.000Z');
    expect(dom.body.equals(DOM)).toBe(true);
    expect(dom.record.warcPayloadDigest).toBe(`sha256:${domRef.sha256}`);
    const shot = byId.get(shotRef.recordId)!;
    expect(shot.record.warcContentType).toBe('image/png');
    expect(shot.record.warcTargetURI).toBe(`urn:view:${HTML_URL}`);
    expect(shot.body.equals(PNG)).toBe(true);
    expect(shot.body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(shotRef.sha256).toBe(sha256(PNG));

    // Every block matches its Content-Length and WARC-Block-Digest.
    const blocks = await readBlocks(closed.warcPath);
    expect(blocks.map((b) => b.id)).toEqual(records.map((r) => r.id));
    for (const block of blocks) {
      expect(block.block.length).toBe(block.length);
      if (block.blockDigest) expect(block.blockDigest).toBe(`sha256:${sha256(block.block)}`);
    }

    // One gzip member per record: each ref's offset starts its own record, as CDX indexes expect.
    for (const ref of [htmlRef, jsonRef, domRef, shotRef]) {
      const record = await WARCParser.parse(createReadStream(closed.warcPath, { start: ref.offset }));
      expect(record?.warcHeader('WARC-Record-ID')).toBe(ref.recordId);
    }
    // warcio's CDX indexer (what replay tools build on) pairs each response with its request and
    // finds the same offsets and payload digests.
    const cdx: Record<string, unknown>[] = [];
    for await (const line of new CDXIndexer({ format: 'cdxj' }).iterIndex([{ filename: archive.warcFile, reader: createReadStream(closed.warcPath) }])) cdx.push(line);
    expect(cdx.map((c) => [c['url'], Number(c['offset']), c['digest']])).toEqual(
      [htmlRef, jsonRef, domRef, shotRef].map((ref) => [ref.targetUri, ref.offset, ref.sha256]),
    );
    expect(String(cdx[0]!['status'])).toBe('200');
    expect(cdx[0]!['mime']).toBe('text/html');
    const whole = gunzipSync(await readFile(closed.warcPath)); // multi-member gzip reads as one stream
    expect(whole.subarray(0, 10).toString('latin1')).toBe('WARC/1.1\r\n');

    // index.json maps each evidence to records that exist in the WARC.
    const index = JSON.parse(await readFile(closed.indexPath, 'utf8')) as ArchiveIndex;
    expect(index.version).toBe(1);
    expect(index.warc).toBe('evidence-audit-20211220T010203Z.warc.gz');
    expect(index.created_at).toBe('2021-12-20T01:02:03.456Z');
    expect(index.evidence.map((e) => [e.indicator_id, e.title, e.url, e.line])).toEqual([
      ['一.1', '财政信息公开', HTML_URL, 31],
      ['一.2', '预算执行', JSON_URL, 35],
    ]);
    expect(index.evidence[0]!.records.map((r) => r.type)).toEqual(['response', 'resource', 'resource']);
    for (const evidence of index.evidence) {
      for (const ref of evidence.records) {
        const record = byId.get(ref.record_id);
        expect(record, ref.record_id).toBeDefined();
        expect(record!.type).toBe(ref.type);
        expect(record!.record.warcTargetURI).toBe(ref.target_uri);
        expect(sha256(record!.body)).toBe(ref.sha256);
        expect(ref.fetched_at).toBe(record!.record.warcDate);
      }
    }
    expect(index.evidence[1]!.records[0]).toEqual({
      record_id: jsonRef.recordId, type: 'response', target_uri: JSON_URL, sha256: sha256(JSON_BYTES),
      fetched_at: '2021-12-20T01:02:04.500Z', offset: jsonRef.offset,
    });
  });

  it('leaves a readable WARC when the run is interrupted before close', async () => {
    const dir = await tempDir();
    const archive = await EvidenceArchive.open(dir, { now: () => NOW });
    cleanups.push(() => archive.close().catch(() => {})); // releases the file handle after the checks
    const htmlRef = await archive.addExchange(htmlExchange());
    const shotRef = await archive.addResource(HTML_URL, 'image/png', PNG, 'screenshot', RENDERED);

    // No close(): what a killed run leaves behind. Every record written so far reads back whole.
    let records = await readWarc(archive.warcPath);
    expect(records.map((r) => r.type)).toEqual(['warcinfo', 'request', 'response', 'resource']);
    expect(records[2]!.id).toBe(htmlRef.recordId);
    expect(records[2]!.body.equals(HTML_BYTES)).toBe(true);
    expect(records[3]!.id).toBe(shotRef.recordId);
    expect(records[3]!.body.equals(PNG)).toBe(true);
    await expect(readFile(join(dir, 'index.json'))).rejects.toThrow(); // written only at close

    // More records after a reader has looked still append cleanly.
    await archive.addExchange(jsonExchange());
    records = await readWarc(archive.warcPath);
    expect(records.map((r) => r.type)).toEqual(['warcinfo', 'request', 'response', 'resource', 'request', 'response']);
  });

  it('keeps the records before a torn last record readable (a kill in the middle of a write)', async () => {
    const dir = await tempDir();
    const archive = await EvidenceArchive.open(dir, { now: () => NOW });
    await archive.addExchange(htmlExchange());
    const { warcPath } = await archive.close();
    // Half a gzip member, as a write cut short by SIGKILL or a full disk would leave.
    const other = await EvidenceArchive.open(join(dir, 'other'), { now: () => NOW });
    await other.addExchange(jsonExchange());
    const { warcPath: otherPath } = await other.close();
    const otherBytes = await readFile(otherPath);
    const lastRecordStart = (await readWarcOffsets(otherPath)).at(-1)!;
    await appendFile(warcPath, otherBytes.subarray(lastRecordStart, lastRecordStart + Math.floor((otherBytes.length - lastRecordStart) / 2)));

    const seen: string[] = [];
    try {
      for await (const record of WARCParser.iterRecords(createReadStream(warcPath))) {
        await record.readFully(false);
        seen.push(record.warcType);
      }
    } catch {
      // the torn tail may or may not raise; the complete records before it are what matters
    }
    expect(seen.slice(0, 3)).toEqual(['warcinfo', 'request', 'response']);
  });

  it('serialises concurrent writes: many exchanges at once stay whole and in pairs', async () => {
    const dir = await tempDir();
    const archive = await EvidenceArchive.open(dir, { now: () => NOW, gzip: false });
    expect(archive.warcFile).toBe('evidence-audit-20211220T010203Z.warc');
    const refs = await Promise.all(Array.from({ length: 40 }, (_, i) => archive.addExchange({
      ...jsonExchange(),
      url: `${JSON_URL}&page=${i}`,
      response: { status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`第${i}页 `.repeat(i * 50)) },
    })));
    const { warcPath } = await archive.close();
    const records = await readWarc(warcPath);
    expect(records).toHaveLength(1 + 80);
    for (let i = 1; i < records.length; i += 2) {
      const [request, response] = [records[i]!, records[i + 1]!];
      expect(request.type).toBe('request');
      expect(response.type).toBe('response');
      expect(request.record.warcConcurrentTo).toEqual([response.id]);
      expect(response.record.warcTargetURI).toBe(request.record.warcTargetURI);
    }
    for (const [i, ref] of refs.entries()) {
      const record = records.find((r) => r.id === ref.recordId)!;
      expect(record.body.toString('utf8')).toBe(`第${i}页 `.repeat(i * 50));
      expect(record.record.warcTargetURI).toBe(`${JSON_URL}&page=${i}`);
    }
    // Uncompressed, offsets are plain byte positions.
    const raw = await readFile(warcPath);
    for (const ref of refs) expect(raw.subarray(ref.offset!, ref.offset! + 9).toString('latin1')).toBe('WARC/1.1\r');
  });

  it('records odd answers faithfully: redirects, unknown statuses, truncated bodies, ",,," in a URL', async () => {
    const dir = await tempDir();
    const archive = await EvidenceArchive.open(dir, { now: () => NOW });
    const commaUrl = 'http://127.0.0.1:8080/list?ids=1,,,2';
    const redirect = await archive.addExchange({
      url: commaUrl, fetchedAt: FETCHED, request: { method: 'GET', headers: {} },
      response: { status: 302, headers: { location: '/moved', 'content-length': '0' }, body: Buffer.alloc(0) },
    });
    const wall = await archive.addExchange({
      url: 'http://127.0.0.1:8080/moved', fetchedAt: FETCHED, request: { method: 'GET', headers: {} },
      response: { status: 521, headers: { 'content-type': 'text/html' }, body: Buffer.from('<script>document.cookie="__jsl_clearance=1"</script>'), truncated: true },
    });
    const { warcPath } = await archive.close();
    await expect(archive.addExchange(htmlExchange())).rejects.toThrow(/closed/);
    expect(() => archive.link({ indicatorId: '1', title: 't', url: commaUrl, line: 1 }, [redirect])).toThrow(/closed/);

    const records = await readWarc(warcPath);
    const first = records.find((r) => r.id === redirect.recordId)!;
    expect(first.record.warcTargetURI).toBe(commaUrl);
    expect(first.record.httpHeaders!.statusline).toBe('HTTP/1.1 302 Found');
    expect(first.record.httpHeaders!.headers.get('location')).toBe('/moved');
    const second = records.find((r) => r.id === wall.recordId)!;
    expect(second.record.httpHeaders!.statusCode).toBe(521);
    expect(second.record.warcHeader('WARC-Truncated')).toBe('length');
    expect(second.record.warcHeader('WARC-Evidence-Audit-Note')).toContain('body cut at the size limit');
    // No index entries were linked: index.json still lists the WARC, with no evidence.
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ArchiveIndex;
    expect(index.evidence).toEqual([]);
  });

  it('never overwrites an earlier WARC of the same second', async () => {
    const dir = await tempDir();
    const first = await EvidenceArchive.open(dir, { now: () => NOW });
    const second = await EvidenceArchive.open(dir, { now: () => NOW });
    expect(second.warcFile).toBe('evidence-audit-20211220T010203Z-2.warc.gz');
    await Promise.all([first.close(), second.close()]);
  });

  it('refuses a folder it cannot use, with a clear message', async () => {
    const dir = await tempDir();
    const file = join(dir, 'report.json');
    await writeFile(file, '{}');
    await expect(EvidenceArchive.open(file)).rejects.toThrow(`cannot use the archive folder ${file}: it is a file, not a folder`);
    await expect(EvidenceArchive.open(join(file, 'sub'))).rejects.toThrow(/^cannot use the archive folder .*report\.json\/sub: part of the path is a file, not a folder/);
  });

  it('links reports to the archive with relative, URL-encoded paths', () => {
    expect(archiveHref('/srv/reports/report.html', '/srv/reports/archive/evidence-audit-20211220T010203Z.warc.gz'))
      .toBe('archive/evidence-audit-20211220T010203Z.warc.gz');
    expect(archiveHref('/srv/reports/out/report.json', '/srv/reports/存档 2021/index.json'))
      .toBe(`../${encodeURIComponent('存档 2021')}/index.json`);
  });
});

/** The offset of each record in a WARC, read with warcio. */
async function readWarcOffsets(path: string): Promise<number[]> {
  const parser = new WARCParser(createReadStream(path));
  const offsets: number[] = [];
  for await (const record of parser) {
    offsets.push(parser.offset);
    await record.readFully(false);
  }
  return offsets;
}
