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
