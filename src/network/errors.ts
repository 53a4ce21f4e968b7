/**
 * A proxy URL or a CA file that cannot be used. Thrown by `createNetworkDispatcher` before any
 * request is sent, so the command line can report it as a usage problem (exit 2).
 */
export class NetworkConfigError extends Error {
  override readonly name = 'NetworkConfigError';
  readonly code = 'E_NETWORK_CONFIG';
}
