/**
 * XOAUTH2 for IMAP (Microsoft 365 has no basic auth): the OAuth2 refresh-token flow against
 * IMAP_OAUTH_TOKEN_URL. The token endpoint may rotate the refresh token on every use; the new one
 * is stored sealed (table `secrets`) before the access token is used, with the date it was
 * issued, so its expiry can be warned about days ahead.
 */
import { eq } from 'drizzle-orm';
import type { ImapConfig } from '../config.js';
import type { Queryable } from '../db/database.js';
import { secrets } from '../db/schema.js';
import type { Vault } from '../db/vault.js';
import { SenimError } from '../errors.js';

export type OAuth2Config = Extract<ImapConfig['auth'], { kind: 'xoauth2' }>;

export const REFRESH_TOKEN_SECRET = 'imap-oauth-refresh-token';
/** Microsoft refresh tokens lapse after 90 days without use; each rotation starts a new window. */
export const REFRESH_TOKEN_LIFETIME_DAYS = 90;
/** Renew the access token this long before it expires, so a long pass never runs on a dead one. */
const ACCESS_TOKEN_MARGIN_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const DAY_MS = 86_400_000;

interface StoredRefreshToken {
  token: string;
  issuedAt: string;
  expiresAt: string;
  /** blind index of the configured token this one descends from: a new configured one wins */
  seed: string;
}

export interface AccessGrant {
  accessToken: string;
  expiresAt: Date;
  /** when the refresh token in hand stops working unless it is used (rotated) before */
  refreshTokenExpiresAt: Date;
}

export interface OAuth2Deps {
  db: Queryable;
  vault: Vault;
  auth: OAuth2Config;
  now: () => Date;
  /** the HTTP client; tests pass the global one too */
  fetch?: typeof fetch;
}

export interface OAuth2Client {
  /** A valid access token, refreshing (and storing the rotated refresh token) when needed. */
  accessToken(): Promise<AccessGrant>;
  /** Expiry of the refresh token currently stored, without contacting the token endpoint. */
  refreshTokenExpiry(): Promise<Date | null>;
}

export function createOAuth2Client(deps: OAuth2Deps): OAuth2Client {
  const http = deps.fetch ?? fetch;
  const seed = deps.vault.blindIndex(deps.auth.refreshToken);
  let cached: AccessGrant | null = null;
  let inFlight: Promise<AccessGrant> | null = null;

  async function loadStored(): Promise<{ row: StoredRefreshToken; keyId: number } | null> {
    const [row] = await deps.db
      .select()
      .from(secrets)
      .where(eq(secrets.name, REFRESH_TOKEN_SECRET));
    if (!row) return null;
    const stored = await deps.vault.openJson<StoredRefreshToken>(deps.db, row.keyId, row.value);
    // The operator configured a new token (re-consent after a revocation): it replaces ours.
    if (stored.seed !== seed) return null;
    return { row: stored, keyId: row.keyId };
  }

  async function store(value: StoredRefreshToken, keyId: number | null): Promise<void> {
    const at = deps.now();
    const plaintext = JSON.stringify(value);
    if (keyId !== null) {
      const sealed = await deps.vault.sealWith(deps.db, keyId, plaintext);
      await deps.db
        .update(secrets)
        .set({ value: sealed, updatedAt: at })
        .where(eq(secrets.name, REFRESH_TOKEN_SECRET));
      return;
    }
    const sealed = await deps.vault.seal(deps.db, plaintext);
    await deps.db
      .insert(secrets)
      .values({
        name: REFRESH_TOKEN_SECRET,
        value: sealed.ciphertext,
        keyId: sealed.keyId,
        updatedAt: at,
      })
      .onConflictDoUpdate({
        target: secrets.name,
        set: { value: sealed.ciphertext, keyId: sealed.keyId, updatedAt: at },
      });
  }

  async function refresh(): Promise<AccessGrant> {
    const stored = await loadStored();
    const current = stored?.row.token ?? deps.auth.refreshToken;
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: deps.auth.clientId,
      refresh_token: current,
      scope: deps.auth.scope,
    });
    if (deps.auth.clientSecret) body.set('client_secret', deps.auth.clientSecret);
    let response: Response;
    try {
      response = await http(deps.auth.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new SenimError(
        'imap-oauth-unreachable',
        'Cannot reach the OAuth2 token endpoint (IMAP_OAUTH_TOKEN_URL)',
        'operational',
        { cause: error },
      );
    }
    const payload = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof payload.access_token !== 'string') {
      // Only the OAuth2 error code: descriptions can quote account names.
      const code =
        typeof payload.error === 'string' ? payload.error.slice(0, 40) : `http ${response.status}`;
      throw new SenimError(
        code === 'invalid_grant' ? 'imap-oauth-invalid-grant' : 'imap-oauth-refused',
        code === 'invalid_grant'
          ? 'The OAuth2 refresh token was refused (expired or revoked): obtain a new one and set IMAP_OAUTH_REFRESH_TOKEN'
          : `The OAuth2 token endpoint refused the refresh (${code}): check IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_CLIENT_SECRET and IMAP_OAUTH_SCOPE`,
      );
    }
    const now = deps.now();
    const rotated = typeof payload.refresh_token === 'string' && payload.refresh_token !== current;
    const lifetimeMs =
      typeof payload.refresh_token_expires_in === 'number'
        ? payload.refresh_token_expires_in * 1000
        : REFRESH_TOKEN_LIFETIME_DAYS * DAY_MS;
    let value: StoredRefreshToken;
    if (rotated) {
      value = {
        token: payload.refresh_token as string,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
        seed,
      };
    } else if (stored) {
      value = stored.row;
    } else {
      // First use of the configured token; its issue date is unknown, so count from now.
      value = {
        token: current,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
        seed,
      };
    }
    if (rotated || !stored) await store(value, stored?.keyId ?? null);
    const expiresIn = typeof payload.expires_in === 'number' ? payload.expires_in : 3600;
    return {
      accessToken: payload.access_token,
      expiresAt: new Date(now.getTime() + expiresIn * 1000),
      refreshTokenExpiresAt: new Date(value.expiresAt),
    };
  }

  return {
    async accessToken() {
      if (cached && cached.expiresAt.getTime() - ACCESS_TOKEN_MARGIN_MS > deps.now().getTime()) {
        return cached;
      }
      inFlight ??= refresh().finally(() => {
        inFlight = null;
      });
      cached = await inFlight;
      return cached;
    },
    async refreshTokenExpiry() {
      const stored = await loadStored();
      return stored ? new Date(stored.row.expiresAt) : null;
    },
  };
}
