/**
 * The form of a host name that `insecureHosts` is asked about: lower case, no port, no brackets
 * around an IPv6 address, no trailing dot ("WWW.Example.gov.cn." → "www.example.gov.cn").
 */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** The host of a dispatch origin (string or URL), normalised. */
export function hostOfOrigin(origin: string | URL | undefined): string {
  if (origin === undefined) return '';
  try {
    return normalizeHost(new URL(String(origin)).hostname);
  } catch {
    return '';
  }
}
