/**
 * How a WebSocket client hands its credential to the server: as an extra subprotocol
 * `lockstep.token.<base64url of the UTF-8 token>`. Browsers cannot set headers on a WebSocket;
 * a subprotocol, unlike a `?token=` query parameter, stays out of URLs, access logs, proxies'
 * logs and the browser history. The server never selects it (docs/PROTOCOL.md §10).
 */

/** The prefix of the subprotocol that carries a token. */
export const TOKEN_PROTOCOL_PREFIX = 'lockstep.token.';

/** The subprotocol carrying `token`. */
export function tokenProtocol(token: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(token)) bin += String.fromCharCode(b);
  return TOKEN_PROTOCOL_PREFIX + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The token in a list of offered subprotocols, if one carries a well-formed token. */
export function tokenFromProtocols(protocols: Iterable<string>): string | undefined {
  for (const p of protocols) {
    if (!p.startsWith(TOKEN_PROTOCOL_PREFIX)) continue;
    const b64 = p.slice(TOKEN_PROTOCOL_PREFIX.length);
    if (!/^[A-Za-z0-9_-]*$/.test(b64)) return undefined;
    try {
      const bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
      return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
