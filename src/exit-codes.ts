/** Separate codes, so CI can tell "the evidence is broken" from "the command or file is wrong". */
export const EXIT = {
  OK: 0,
  AUDIT_FAILED: 1,
  USAGE: 2,
  /** A bug in this tool, not in the evidence or the input. */
  INTERNAL: 3,
  /** 128 + SIGINT, as shells report it; the partial report has still been written. */
  INTERRUPTED: 130,
} as const;
