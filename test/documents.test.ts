import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { zip } from './zip.js';
import {
  detectDocument, extractDocument, pdfDateToChinaDay, readDocument, w3cdtfToChinaDay,
  type DocumentProblem, type DocumentText,
} from '../src/documents/index.js';
import { TextCollector, withDeadline } from '../src/documents/common.js';
import { withoutSpaces } from '../src/util/text.js';

/**
 * budget-2021.pdf: two pages in an embedded subset CJK TrueType font, ModDate
 * D:20211220171900+08'00', CreationDate D:20211215163000Z. Made by make-pdf-fixture.mjs beside it.
 */
const PDF_FIXTURE = readFileSync(new URL('./fixtures/documents/budget-2021.pdf', import.meta.url));
const OCTET = { 'content-type': 'application/octet-stream' };

function ok(result: DocumentText | DocumentProblem): DocumentText {
  if (!result.ok) throw new Error(`expected text, got ${result.code}: ${result.detail}`);
  return result;
}

function problem(result: DocumentText | DocumentProblem): DocumentProblem {
  if (result.ok) throw new Error(`expected a problem, got text: ${result.text.slice(0, 80)}`);
  return result;
}

// ---------------------------------------------------------------- fixture builders


const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A minimal DOCX: content types, package rels, document, core properties. */
function docx(paragraphs: string[], core: { modified?: string; created?: string } = {}, extra: Record<string, string | Buffer> = {}): Buffer {
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join('');
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
      + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
    'word/document.xml': '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
      + `<w:body>${body}</w:body></w:document>`,
    'docProps/core.xml': '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
      + 'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
      + '<dc:creator>财政局</dc:creator><cp:lastModifiedBy>办公室</cp:lastModifiedBy>'
      + (core.created ? `<dcterms:created xsi:type="dcterms:W3CDTF">${core.created}</dcterms:created>` : '')
      + (core.modified ? `<dcterms:modified xsi:type="dcterms:W3CDTF">${core.modified}</dcterms:modified>` : '')
      + '</cp:coreProperties>',
    ...extra,
  });
}

async function xlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '农业农村局';
  workbook.created = new Date('2021-12-01T02:00:00Z');
  workbook.modified = new Date('2021-12-19T18:30:00Z'); // 02:30 on the 20th in Beijing
  const sheet = workbook.addWorksheet('2021年补贴发放');
  sheet.addRow(['序号', '项目', '金额', '发放日期']);
  sheet.addRow([1, '惠民惠农财政补贴', 1200.5, new Date(Date.UTC(2021, 11, 15))]);
  sheet.addRow([2, { richText: [{ text: '耕地地力' }, { text: '保护补贴' }] }, { formula: 'C2*2', result: 2401 }, '2021年12月18日']);
  sheet.mergeCells('A5:D5');
  sheet.getCell('A5').value = '合计（合并单元格）';
  workbook.addWorksheet('说明').addRow([{ text: '公开网址', hyperlink: 'https://www.huainan.gov.cn/' }]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An OLE compound file header with the given directory entry names (UTF-16LE), as .doc/.xls have. */
function ole(...streams: string[]): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header);
  const directory = Buffer.alloc(128 * Math.max(1, streams.length + 1));
  ['Root Entry', ...streams].forEach((name, i) => directory.write(name, i * 128, 'utf16le'));
  return Buffer.concat([header, directory]);
}

const PAD = Buffer.from('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + s[i]!) & 255;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 255]!;
  }
  return out;
}

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
const padPassword = (pw: string) => Buffer.concat([Buffer.from(pw, 'latin1'), PAD]).subarray(0, 32);

/**
 * A one-page PDF in the non-embedded font STSong-Light with the predefined CMap UniGB-UCS2-H, as
 * report generators write Chinese: its text only comes out with pdf.js's CMaps. With `password`
 * it is encrypted (standard security handler, RC4 40-bit, revision 2); an empty password is the
 * common "owner password only" protection, which any reader opens.
 */
function stSongPdf(lines: string[], modDate: string, password?: string, xmp?: string): Buffer {
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const permissions = -44;
  let key: Buffer | undefined;
  let owner: Buffer | undefined;
  let user: Buffer | undefined;
  if (password !== undefined) {
    owner = rc4(md5(padPassword('owner')).subarray(0, 5), padPassword(password));
    const p = Buffer.alloc(4);
    p.writeInt32LE(permissions);
    key = md5(padPassword(password), owner, p, id).subarray(0, 5);
    user = rc4(key, PAD);
  }
  const encrypt = (num: number, data: Buffer) =>
    key ? rc4(md5(key, Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0])).subarray(0, 10), data) : data;
  const str = (num: number, s: string) => `<${encrypt(num, Buffer.from(s, 'latin1')).toString('hex')}>`;
  const ucs2 = (s: string) => Buffer.from(s, 'utf16le').swap16().toString('hex');
  const content = Buffer.from(lines.map((l, i) => `BT /F1 16 Tf 72 ${760 - i * 28} Td <${ucs2(l)}> Tj ET`).join('\n'), 'latin1');
  const objects: (string | Buffer)[] = [
    `<< /Type /Catalog /Pages 2 0 R${xmp ? ' /Metadata 9 0 R' : ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    content,
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>',
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry ${str(6, 'Adobe')} /Ordering ${str(6, 'GB1')} /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>`,
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    `<< /Producer ${str(8, 'test')} /ModDate ${str(8, modDate)} >>`,
  ];
  if (xmp) objects.push(Buffer.from(xmp, 'utf8')); // object 9, unencrypted files only
  if (key) objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${owner!.toString('hex')}> /U <${user!.toString('hex')}> /P ${permissions} >>`);
  const chunks = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let size = chunks[0]!.length;
  objects.forEach((body, i) => {
    const num = i + 1;
    offsets.push(size);
    const parts = Buffer.isBuffer(body)
      ? [Buffer.from(`${num} 0 obj\n<< /Length ${body.length}${num === 9 ? ' /Type /Metadata /Subtype /XML' : ''} >>\nstream\n`), encrypt(num, body), Buffer.from('\nendstream\nendobj\n')]
      : [Buffer.from(`${num} 0 obj\n${body}\nendobj\n`, 'latin1')];
    for (const part of parts) {
      chunks.push(part);
      size += part.length;
    }
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 8 0 R${key ? ' /Encrypt 9 0 R' : ''} `
    + `/ID [<${id.toString('hex')}> <${id.toString('hex')}>] >>\nstartxref\n${size}\n%%EOF\n`;
  return Buffer.concat([...chunks, Buffer.from(xref + trailer, 'latin1')]);
}

// ---------------------------------------------------------------- detection

describe('detectDocument', () => {
  it('recognises PDF, DOCX and XLSX by their bytes when the server says application/octet-stream', async () => {
    expect(detectDocument(PDF_FIXTURE, OCTET, 'https://www.example.gov.cn/download.jsp?id=1').kind).toBe('pdf');
    expect(detectDocument(docx(['决算']), OCTET, 'https://www.example.gov.cn/download.jsp?id=2').kind).toBe('docx');
    expect(detectDocument(await xlsx(), OCTET, 'https://www.example.gov.cn/download.jsp?id=3').kind).toBe('xlsx');
    // The bytes outrank a wrong label or name.
    expect(detectDocument(docx(['决算']), { 'content-type': 'application/msword' }, 'https://x.gov.cn/a.doc').kind).toBe('docx');
    expect(detectDocument(PDF_FIXTURE, { 'content-type': 'text/html' }, 'https://x.gov.cn/a.html').kind).toBe('pdf');
  });

  it('recognises legacy .doc and .xls from the OLE header and its stream names', () => {
    expect(detectDocument(ole('WordDocument', '1Table'), OCTET, 'https://x.gov.cn/f?id=1').kind).toBe('doc');
    expect(detectDocument(ole('Workbook'), OCTET, 'https://x.gov.cn/f?id=1').kind).toBe('xls');
    expect(detectDocument(ole(), { 'content-type': 'application/vnd.ms-excel' }, 'https://x.gov.cn/f').kind).toBe('xls');
    // A password-protected .docx is an OLE file too; its name says what it is.
    expect(detectDocument(ole('EncryptionInfo', 'EncryptedPackage'), OCTET, 'https://x.gov.cn/2021决算.docx').kind).toBe('docx');
  });

  it('decodes a raw GBK filename in Content-Disposition', () => {
    const gbk = iconv.encode('2021年部门决算公开.pdf', 'gbk').toString('latin1'); // undici hands bytes over as latin1
    const result = detectDocument(Buffer.from('not really a pdf'), { ...OCTET, 'content-disposition': `attachment; filename="${gbk}"` }, 'https://x.gov.cn/down?id=7');
    expect(result).toEqual({ kind: 'pdf', filename: '2021年部门决算公开.pdf' });
  });

  it('decodes raw UTF-8, RFC 5987, percent-encoded and RFC 2047 filenames, and falls back to the URL', () => {
    const cases: [string, string][] = [
      [`attachment; filename="${Buffer.from('预算公开.xlsx', 'utf8').toString('latin1')}"`, '预算公开.xlsx'],
      [`attachment; filename="fallback.xlsx"; filename*=UTF-8''%E9%A2%84%E7%AE%97%E5%85%AC%E5%BC%80.xlsx`, '预算公开.xlsx'],
      [`attachment;filename*=GBK''%D4%A4%CB%E3%B9%AB%BF%AA.xlsx`, '预算公开.xlsx'],
      ['attachment; filename=%E9%A2%84%E7%AE%97%E5%85%AC%E5%BC%80.xlsx', '预算公开.xlsx'],
      ['attachment; filename="%D4%A4%CB%E3%B9%AB%BF%AA.xlsx"', '预算公开.xlsx'],
      [`attachment; filename="=?UTF-8?B?${Buffer.from('预算公开.xlsx').toString('base64')}?="`, '预算公开.xlsx'],
      ['attachment; filename="..\\..\\预算公开.xlsx"', '预算公开.xlsx'],
    ];
    for (const [disposition, name] of cases) {
      expect(detectDocument(Buffer.alloc(0), { 'content-disposition': disposition }, 'https://x.gov.cn/d').filename, disposition).toBe(name);
    }
    expect(detectDocument(Buffer.alloc(0), {}, 'https://x.gov.cn/uploads/2021/%E9%A2%84%E7%AE%97.xlsx')).toEqual({ kind: 'xlsx', filename: '预算.xlsx' });
    expect(detectDocument(Buffer.alloc(0), {}, 'https://x.gov.cn/down.jsp?filename=决算.docx')).toEqual({ kind: 'docx', filename: '决算.docx' });
    expect(detectDocument(Buffer.alloc(0), { 'Content-Type': 'application/pdf' }, 'https://x.gov.cn/file?id=1')).toEqual({ kind: 'pdf' });
  });

  it('never calls an HTML page a document, whatever its headers and URL say', () => {
    const page = Buffer.from('\ufeff<!DOCTYPE html><html><body>文件不存在</body></html>');
    expect(detectDocument(page, { 'content-type': 'application/pdf' }, 'https://x.gov.cn/a.pdf').kind).toBe('unknown');
    expect(detectDocument(page, { 'content-type': 'text/html' }, 'https://x.gov.cn/index.html')).toEqual({ kind: 'unknown', filename: 'index.html' });
    expect(detectDocument(Buffer.from('File not found'), { 'content-type': 'text/plain' }, 'https://x.gov.cn/a.pdf').kind).toBe('unknown');
    expect(detectDocument(Buffer.from('File not found'), OCTET, 'https://x.gov.cn/a.pdf').kind).toBe('pdf'); // then CORRUPT
    expect(detectDocument(zip({ 'ppt/presentation.xml': '<p/>' }), OCTET, 'https://x.gov.cn/a').kind).toBe('unknown');
    expect(detectDocument(Buffer.from('<html><body>下载 %PDF-1.7 文件</body></html>'), OCTET, 'https://x.gov.cn/a').kind).toBe('unknown');
    expect(detectDocument(Buffer.concat([Buffer.from('\r\n\r\n'), PDF_FIXTURE]), OCTET, 'https://x.gov.cn/a').kind).toBe('pdf');
  });
});

// ---------------------------------------------------------------- PDF

describe('extractDocument: PDF', () => {
  it('reads Chinese text in an embedded CJK font and the Info dates as China days', async () => {
    const result = ok(await extractDocument(PDF_FIXTURE, 'pdf'));
    expect(result.kind).toBe('pdf');
    expect(result.text).toContain('2021年预算公开 财政局');
    expect(withoutSpaces(result.text)).toContain('2021年预算公开财政局');
    expect(result.text).toContain('惠民惠农财政补贴资金'); // page 2
    expect(result.text.split('\n')).toEqual(expect.arrayContaining(['淮南市财政局', '附件：部门决算说明']));
    expect(result.metaDates).toEqual([
      { date: '2021-12-20', source: 'PDF ModDate' },
      { date: '2021-12-16', source: 'PDF CreationDate' }, // 16:30Z on the 15th
    ]);
    expect(result.truncated).toBeUndefined();
  });

  it('reads text in a non-embedded Chinese font through the CMaps', async () => {
    const result = ok(await extractDocument(stSongPdf(['2021年预算公开', '财政局'], 'D:20211219170000Z'), 'pdf'));
    expect(result.text).toBe('2021年预算公开\n财政局');
    expect(result.metaDates).toEqual([{ date: '2021-12-20', source: 'PDF ModDate' }]); // 01:00 in Beijing
  });

  it('reads the XMP dates after the Info ones', async () => {
    const xmp = '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
      + '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><xmp:ModifyDate>2021-12-19T20:00:00Z</xmp:ModifyDate>'
      + '<xmp:CreateDate>2021-11-01T10:00:00+08:00</xmp:CreateDate></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    const result = ok(await extractDocument(stSongPdf(['决算'], 'not a date', undefined, xmp), 'pdf'));
    expect(result.metaDates).toEqual([
      { date: '2021-12-20', source: 'PDF XMP ModifyDate' },
      { date: '2021-11-01', source: 'PDF XMP CreateDate' },
    ]);
  });

  it('reads a PDF protected by an owner password only', async () => {
    const result = ok(await extractDocument(stSongPdf(['2021年预算公开'], "D:20211220090000+08'00'", ''), 'pdf'));
    expect(result.text).toBe('2021年预算公开');
    expect(result.metaDates).toEqual([{ date: '2021-12-20', source: 'PDF ModDate' }]);
  });

  it('reports a PDF that needs a password to open as ENCRYPTED', async () => {
    const result = problem(await extractDocument(stSongPdf(['2021年预算公开'], 'D:20211220', 'secret'), 'pdf'));
    expect(result).toMatchObject({ kind: 'pdf', code: 'ENCRYPTED' });
    expect(result.detail).toMatch(/password/);
  });

  it('reports a truncated or damaged PDF as CORRUPT with the library message', async () => {
    const truncated = problem(await extractDocument(PDF_FIXTURE.subarray(0, Math.floor(PDF_FIXTURE.length / 2)), 'pdf'));
    expect(truncated).toMatchObject({ kind: 'pdf', code: 'CORRUPT' });
    expect(truncated.detail).toMatch(/Invalid PDF structure/);
    expect(problem(await extractDocument(Buffer.from('%PDF-1.7\n garbage'), 'pdf')).code).toBe('CORRUPT');
    expect(problem(await extractDocument(Buffer.alloc(0), 'pdf')).code).toBe('CORRUPT');
  });

  it('parses PDF and W3CDTF dates to China days', () => {
    expect(pdfDateToChinaDay("D:20211220171900+08'00'")).toBe('2021-12-20');
    expect(pdfDateToChinaDay("D:20211220171900-05'00'")).toBe('2021-12-21'); // 22:19Z, 06:19 next day in Beijing
    expect(pdfDateToChinaDay('D:20211219170000Z')).toBe('2021-12-20');
    expect(pdfDateToChinaDay('D:20211219230000')).toBe('2021-12-19'); // no zone: as written
    expect(pdfDateToChinaDay('D:2021')).toBe('2021-01-01');
    expect(pdfDateToChinaDay('20211220')).toBe('2021-12-20');
    expect(pdfDateToChinaDay('2021-12-20T01:00:00Z')).toBe('2021-12-20');
    expect(pdfDateToChinaDay('D:20210230')).toBeUndefined();
    expect(pdfDateToChinaDay('garbage')).toBeUndefined();
    expect(pdfDateToChinaDay(undefined)).toBeUndefined();
    expect(w3cdtfToChinaDay('2021-12-20T09:00:00Z')).toBe('2021-12-20');
    expect(w3cdtfToChinaDay('2021-12-19T16:00:00Z')).toBe('2021-12-20');
    expect(w3cdtfToChinaDay('2021-12-20T23:30:00.000+08:00')).toBe('2021-12-20');
    expect(w3cdtfToChinaDay('2021-12-20')).toBe('2021-12-20');
    expect(w3cdtfToChinaDay('')).toBeUndefined();
  });
});

// ---------------------------------------------------------------- DOCX and XLSX

describe('extractDocument: DOCX', () => {
  it('reads paragraphs with Chinese text, one per line, and the core-properties dates', async () => {
    const body = docx(['2021年部门决算公开', '一、部门决算说明', '决算收入 1,234.56 万元'], {
      modified: '2021-12-20T09:00:00Z', created: '2021-12-10T16:30:00Z',
    });
    const result = ok(await extractDocument(body, 'docx'));
    expect(result.kind).toBe('docx');
    expect(result.text.split('\n')).toEqual(['2021年部门决算公开', '一、部门决算说明', '决算收入 1,234.56 万元']);
    expect(result.metaDates).toEqual([
      { date: '2021-12-20', source: 'DOCX modified' },
      { date: '2021-12-11', source: 'DOCX created' },
    ]);
  });

  it('reads a DOCX without core properties, with no dates', async () => {
    const body = zip({ 'word/document.xml': '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>决算</w:t></w:r></w:p></w:body></w:document>' });
    expect(ok(await extractDocument(body, 'docx'))).toMatchObject({ text: '决算', metaDates: [] });
  });

  it('reports a cut DOCX as CORRUPT and a zip bomb as UNSUPPORTED, without inflating it', async () => {
    const body = docx(['决算'], { modified: '2021-12-20T09:00:00Z' });
    expect(problem(await extractDocument(body.subarray(0, body.length - 40), 'docx'))).toMatchObject({ kind: 'docx', code: 'CORRUPT' });

    const bomb = Buffer.alloc(40 * 1024 * 1024, 0x20); // 40 MB of spaces deflates to 40 KB
    const honest = docx(['决算'], {}, { 'word/document.xml': bomb });
    const lying = zip({ 'word/document.xml': bomb }, { lie: 1000 }); // headers claim 1000 bytes
    for (const body of [honest, lying]) {
      expect(body.length).toBeLessThan(100_000);
      const started = Date.now();
      const result = problem(await extractDocument(body, 'docx'));
      expect(result.code).toBe('UNSUPPORTED');
      expect(result.detail).toMatch(/expands to more than \d+ MB/);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});

describe('extractDocument: XLSX', () => {
  it('reads cell text row by row, real date cells as dates, and the workbook dates', async () => {
    const result = ok(await extractDocument(await xlsx(), 'xlsx'));
    expect(result.kind).toBe('xlsx');
    const lines = result.text.split('\n');
    expect(lines).toEqual([
      '2021年补贴发放',
      '序号 项目 金额 发放日期',
      '1 惠民惠农财政补贴 1200.5 2021-12-15',
      '2 耕地地力保护补贴 2401 2021年12月18日',
      '合计（合并单元格）',
      '说明',
      '公开网址',
    ]);
    expect(result.metaDates).toEqual([
      { date: '2021-12-20', source: 'XLSX modified' },
      { date: '2021-12-01', source: 'XLSX created' },
    ]);
  });

  it('reports a damaged XLSX as CORRUPT', async () => {
    const body = await xlsx();
    expect(problem(await extractDocument(body.subarray(0, body.length - 100), 'xlsx')).code).toBe('CORRUPT');
    const noWorkbook = zip({ 'xl/styles.xml': '<styleSheet/>', '[Content_Types].xml': '<Types/>' });
    expect(problem(await extractDocument(noWorkbook, 'xlsx'))).toMatchObject({ code: 'CORRUPT', detail: expect.stringMatching(/no Excel workbook/) });
  });
});

// ---------------------------------------------------------------- legacy, encrypted, robustness

describe('extractDocument: what cannot be read', () => {
  it('reports legacy .doc and .xls as LEGACY_FORMAT, whatever kind the caller passed', async () => {
    const doc = problem(await extractDocument(ole('WordDocument'), 'doc'));
    expect(doc).toMatchObject({ kind: 'doc', code: 'LEGACY_FORMAT' });
    expect(doc.detail).toMatch(/Word 97-2003/);
    expect(problem(await extractDocument(ole('WordDocument'), 'docx'))).toMatchObject({ kind: 'doc', code: 'LEGACY_FORMAT' });
    expect(problem(await extractDocument(ole('Workbook'), 'xls'))).toMatchObject({ kind: 'xls', code: 'LEGACY_FORMAT' });
    expect(problem(await extractDocument(Buffer.from('d0cf11e0a1b11ae1', 'hex'), 'doc'))).toMatchObject({ code: 'LEGACY_FORMAT' });
  });

  it('reports a password-protected .docx/.xlsx (an OLE-wrapped package) as ENCRYPTED', async () => {
    const result = problem(await extractDocument(ole('EncryptionInfo', 'EncryptedPackage'), 'xlsx'));
    expect(result).toMatchObject({ kind: 'xlsx', code: 'ENCRYPTED' });
  });

  it('never throws, whatever the bytes', async () => {
    const junk = [Buffer.alloc(0), Buffer.from('PK\x03\x04junk'), Buffer.from('PK\x05\x06' + '\0'.repeat(18)), Buffer.from('<html>'), Buffer.alloc(4096, 0xff)];
    for (const body of junk) {
      for (const kind of ['pdf', 'docx', 'xlsx', 'doc', 'xls', 'unknown'] as const) {
        const result = await extractDocument(body, kind);
        expect(result.ok, `${kind} ${body.subarray(0, 8).toString('hex')}`).toBe(false);
      }
    }
    expect(problem(await extractDocument(Buffer.from('hello'), 'unknown')).code).toBe('UNSUPPORTED');
  });

  it('readDocument detects and extracts in one step, keeping the filename', async () => {
    const gbk = iconv.encode('预算.pdf', 'gbk').toString('latin1');
    const result = await readDocument(PDF_FIXTURE, { ...OCTET, 'content-disposition': `attachment; filename=${gbk}` }, 'https://x.gov.cn/d?id=1');
    expect(result).toMatchObject({ ok: true, kind: 'pdf', filename: '预算.pdf' });
  });
});

describe('bounds', () => {
  it('caps collected text and says so', () => {
    const collector = new TextCollector(10);
    expect(collector.line('1234')).toBe(true);
    expect(collector.line('5678901234')).toBe(false);
    expect(collector.line('more')).toBe(false);
    expect(collector.text()).toBe('1234\n56789');
    expect(collector.truncated).toBe(true);
  });

  it('gives up on work past its deadline', async () => {
    let cancelled = false;
    await expect(withDeadline(new Promise(() => undefined), 20, () => { cancelled = true; })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(cancelled).toBe(true);
    await expect(withDeadline(Promise.resolve(7), 1000)).resolves.toBe(7);
  });
});
