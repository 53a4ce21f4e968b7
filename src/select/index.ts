export { changedLines, SelectionError, DEFAULT_REFS, type ChangedLines, type SelectionErrorCode } from './changed.js';
export { selectByChangedLines, selectByIds, type Selection, type SelectionReason } from './select.js';
