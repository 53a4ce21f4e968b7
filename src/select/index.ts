export { changedLines, SelectionError, DEFAULT_REFS, type ChangedLines, type SelectionErrorCode } from './changed.js';
export { selectByChangedLines, selectByIds, type Selection } from './select.js';
export { type SelectionReason } from '../model/report.js';
