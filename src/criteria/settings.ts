import { createRequire } from 'node:module';
import type { Settings } from './types.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { name: string; version: string; homepage: string };

export const TOOL = { name: pkg.name, version: pkg.version, homepage: pkg.homepage };

export const DEFAULT_USER_AGENT = `${TOOL.name}/${TOOL.version} (+${TOOL.homepage})`;

export function defaultSettings(): Settings {
  return {
    concurrency: 8,
    perHostConcurrency: 2,
    perHostRate: 2,
    timeoutMs: 20_000,
    retries: 2,
    userAgent: DEFAULT_USER_AGENT,
    maxBodyBytes: 10 * 1024 * 1024,
    maxRedirects: 10,
    soft404Phrases: [],
  };
}
