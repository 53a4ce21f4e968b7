/**
 * The keys the reader accepts at each level of a criteria file, and the values of its one enum. The
 * order is the one `allowed keys: …` lists and a typo's suggestion is chosen in, so it is kept as is.
 * schema/criteria.schema.json declares the same keys for editors; test/criteria/schema-agreement.test.ts
 * checks that the two say the same.
 */
export const CHECK_KEYS = ['status', 'max_age', 'keywords', 'selector', 'render'] as const;
export const ROOT_KEYS = ['version', 'title', 'settings', 'defaults', 'hosts', 'indicators'] as const;
export const HOST_KEYS = ['headers', 'cookies', 'per_host_rate', 'per_host_concurrency', 'insecure', 'render'] as const;
export const RENDER_MODES = ['auto', 'always', 'never'] as const;
export const SETTINGS_KEYS = [
  'concurrency', 'per_host_concurrency', 'per_host_rate', 'timeout', 'retries', 'user_agent',
  'max_body_size', 'max_redirects', 'soft_404_phrases', 'notify', 'max_document_size', 'cert_expiry_days', 'render_pages',
  'block_private', 'redact', 'max_time',
] as const;
export const INDICATOR_KEYS = ['id', 'title', 'weight', 'requirement', 'indicators', 'evidence', ...CHECK_KEYS] as const;
export const EVIDENCE_KEYS = ['title', 'url', ...CHECK_KEYS] as const;
export const KEYWORD_KEYS = ['all', 'any', 'none'] as const;
