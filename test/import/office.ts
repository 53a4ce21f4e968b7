import { readFileSync } from 'node:fs';
import { zip } from '../zip.js';

export { zip };

/**
 * Builders for the binary fixtures: a DOCX is zipped here from the readable XML in
 * test/fixtures/import/, so no binary is committed and a reviewer can read what Word would hold.
 */

const FIXTURES = new URL('../fixtures/import/', import.meta.url);

export function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}


const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
  + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
  + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const PACKAGE_RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
  + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

/** A DOCX from a fixture's word/document.xml and its relationships (where the hyperlinks' URLs live). */
export function docxFrom(documentXml: string | Buffer, relsXml?: string | Buffer): Buffer {
  return zip({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': PACKAGE_RELS,
    'word/document.xml': documentXml,
    ...(relsXml ? { 'word/_rels/document.xml.rels': relsXml } : {}),
  });
}

/** The DOCX fixture: a table with vertical merges, a real hyperlink and links typed as text. */
export function tableDocx(): Buffer {
  return docxFrom(fixture('table.document.xml'), fixture('table.document.xml.rels'));
}

/**
 * The XLSX fixture, as offices fill the template: a title merged across the top, the section
 * merged down its rows, weights as numbers, a cell hyperlink behind "查看", several links in one
 * cell on separate lines, an empty evidence cell, and a 合计 row.
 */
export async function tableXlsx(): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('自评表');
  sheet.addRow(['谢家集区2021年政务公开自评表']);
  sheet.mergeCells('A1:F1');
  sheet.addRow(['一级指标', '二级指标', '分值', '评分标准', '佐证材料', '自评得分']);
  sheet.addRow(['一、政策解读（12分）', '解读发布', 7, '重要政策文件同步解读。', { text: '查看', hyperlink: 'https://www.xjj.gov.cn/zcjd/' }, 7]);
  sheet.addRow([null, '解读质量', 5, '解读有实质内容。',
    '政策文件库：https://www.xjj.gov.cn/zcwjk/\n解读专栏：https://www.xjj.gov.cn/jdzl/\nhttps://www.xjj.gov.cn/tjjd/', 5]);
  sheet.mergeCells('A3:A4');
  sheet.addRow(['二、回应关切（8分）', '舆情回应', 4, '及时回应社会关切。', '', 3]);
  sheet.addRow([null, '互动交流', 4, '留言按时办结。', { text: '政民互动', hyperlink: 'https://www.xjj.gov.cn/hdjl/' }, 4]);
  sheet.mergeCells('A5:A6');
  sheet.addRow(['合计', null, 20, null, null, 19]);
  sheet.mergeCells('A7:B7');
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A workbook package with no sheet in it: what a broken export leaves. */
export function sheetlessXlsx(): Buffer {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}"><sheets/></workbook>`,
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
  });
}
