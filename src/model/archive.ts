/** Where --archive keeps what an evidence showed: a record of the WARC file. */
export interface ArchiveRecordRef {
  /** File name inside DIR. */
  warcFile: string;
  /** WARC-Record-ID, `<urn:uuid:…>`. */
  recordId: string;
  type: 'response' | 'resource';
  /** WARC-Target-URI: the URL for a response; `urn:dom:URL` or `urn:view:URL` for a resource. */
  targetUri: string;
  /** Byte offset of the record (its gzip member) in the WARC file, for random access. */
  offset?: number;
  /** Hex sha256 of the body (the record's payload). */
  sha256: string;
  /** ISO 8601. */
  fetchedAt: string;
}
