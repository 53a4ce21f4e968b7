import type { ProblemCode } from './common.js';
import type { DocumentKind } from './detect.js';

/**
 * What reading a document gives: its text and dates, or why it could not be read. Apart from the
 * index, so the readers (pdf.ts, office.ts) and the index that calls them import it, not each other.
 */
export interface DocumentText {
  ok: true;
  kind: DocumentKind;
  /** Pages, paragraphs and rows on lines of their own; spaces lightly normalised. Empty for a scanned (image-only) PDF. */
  text: string;
  /** The document's own dates in order of preference (modified before created); not sorted by date. */
  metaDates: { date: string /* YYYY-MM-DD, China day */; source: string /* e.g. "PDF ModDate", "DOCX modified" */ }[];
  /** The text stopped at the cap (about 5 MB) or the page limit: the rest was not read. */
  truncated?: true;
}

export interface DocumentProblem {
  ok: false;
  kind: DocumentKind;
  code: ProblemCode;
  detail: string;
}
