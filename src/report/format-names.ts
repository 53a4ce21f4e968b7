/**
 * The report formats, by name, in a module of their own: the CLI lists them in `--help` and checks
 * `--format` against them on every start, and importing report/index.js for that would load every
 * formatter. report/index.ts has one formatter per name, checked by the compiler.
 */
const FORMAT_LIST = ['table', 'json', 'markdown', 'junit', 'github', 'csv', 'html'] as const;
export type FormatName = (typeof FORMAT_LIST)[number];
export const FORMAT_NAMES: string[] = [...FORMAT_LIST];
