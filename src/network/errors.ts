/**
 * A proxy URL or a CA file that cannot be used. Thrown by `createNetworkDispatcher` before any
 * request is sent, so the command line can report it as a usage problem (exit 2).
 */
export class NetworkConfigError extends Error {
  override readonly name = 'NetworkConfigError';
  readonly code = 'E_NETWORK_CONFIG';
}

/** The `code` of BlockedAddressError: what classifyError and the notifier match on. */
export const BLOCKED_ADDRESS_CODE = 'E_BLOCKED_ADDRESS';

/**
 * A connection refused by --block-private (block_private): `host` resolved to, or was, `address`,
 * which is loopback, private, link-local or otherwise not public. Raised after DNS and before
 * connecting; the address a socket did connect to is checked once more, as a last line.
 */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = BLOCKED_ADDRESS_CODE;

  constructor(readonly host: string, readonly address: string) {
    super(`${host} (${address}) is not a public address; refused by --block-private`);
  }
}

/** The refusal behind a failed request, wherever undici or Node put it (the error or its causes). */
export function blockedAddressOf(error: unknown): { host: string; address: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; host?: unknown; address?: unknown; cause?: unknown };
    if (e.code === BLOCKED_ADDRESS_CODE) return { host: String(e.host ?? ''), address: String(e.address ?? '') };
    current = e.cause;
  }
  return undefined;
}
