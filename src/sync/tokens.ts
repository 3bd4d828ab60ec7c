/**
 * Resume tokens: a client that reconnects proves it is the client it claims to be. The default
 * issuer keeps random tokens in memory; a server that restarts supplies one that survives it
 * (the Node server derives them with an HMAC of a persisted secret).
 */

/** Issues and checks resume tokens. */
export interface TokenIssuer {
  issue(clientId: string): string;
  verify(clientId: string, token: string): boolean;
}

/** Random tokens remembered in memory (enough while the process lives). */
export function memoryTokens(random: () => number = Math.random): TokenIssuer {
  const tokens = new Map<string, string>();
  return {
    issue(clientId) {
      let token = tokens.get(clientId);
      if (!token) {
        token = '';
        while (token.length < 24) token += Math.floor(random() * 36).toString(36);
        tokens.set(clientId, token);
      }
      return token;
    },
    verify(clientId, token) {
      return tokens.get(clientId) === token;
    },
  };
}

/**
 * The part of an identity a resume token is bound to: `''` for no identity (`undefined` or
 * `null`), else its JSON with object keys sorted, so the same user authenticated again gets
 * the same key. A token issued to one identity does not resume the session for another.
 */
export function defaultIdentityKey(identity: unknown): string {
  if (identity === undefined || identity === null) return '';
  return JSON.stringify(identity, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      Object.defineProperty(sorted, k, { value: (value as Record<string, unknown>)[k], enumerable: true });
    }
    return sorted;
  });
}

/** What a resume token signs: the client id, and the identity key when there is one. */
export function tokenSubject(clientId: string, identityKey: string): string {
  return identityKey === '' ? clientId : JSON.stringify([clientId, identityKey]);
}
