export type { NotifyKind, NotifyTarget, NotifyOn, NotifySummary, NotifyItem, NotifyResult } from './types.js';
export { parseNotifyTarget, describeTarget, detectKind, NOTIFY_KINDS } from './targets.js';
export { shouldNotify, parseNotifyOn, NOTIFY_ON, DEFAULT_NOTIFY_ON } from './policy.js';
export { sendNotifications, DEFAULT_NOTIFY_TIMEOUT_MS, type SendOptions } from './send.js';
export { renderMessage, MAX_TEXT_BYTES } from './render.js';
export { buildRequest } from './formats.js';
