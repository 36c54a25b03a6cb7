/**
 * Runs the IMAP source: one pass (`senim ingest --once`) or the daemon's loop (`senim start`) —
 * the same code. The loop waits with IDLE where the server has it and polls otherwise,
 * reconnects with exponential backoff after any failure, and on stop finishes the batch in hand.
 * A PostgreSQL advisory lock per mailbox keeps two ingesters from working one mailbox at once;
 * exactly-once itself rests on intake's own records, so a lost lock costs time, never a duplicate.
 */
import cliProgress from 'cli-progress';
import { zonedDateTime } from '../cases/calendar.js';
import type { Config, ImapConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { Vault } from '../db/vault.js';
import { InputError, SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import { daysLeft, recordAuthExpiry, recordFailure, recordSuccess } from './health.repository.js';
import {
  connectImap,
  mailboxKey,
  reasonCode,
  type ImapConnection,
  type PassOptions,
  type PassResult,
} from './imap.source.js';
import type { Intake } from './intake.port.js';
import { createOAuth2Client, type OAuth2Client } from './oauth2.js';

export interface IngestDeps {
  config: Config;
  database: Database;
  vault: Vault;
  intake: Intake;
  log: Logger;
  now: () => Date;
  /** HTTP client for the OAuth2 token endpoint (default: the global fetch) */
  fetch?: typeof fetch;
  /** a progress bar (TTY) or log lines for large passes; default true */
  progress?: boolean;
}

export interface IngestOnceOptions {
  /** how long to wait for another ingester holding the mailbox (default 5 minutes) */
  lockWaitMs?: number;
  signal?: AbortSignal;
}

export interface IngestLoopOptions {
  /** called after every successful pass (tests, metrics) */
  onPass?: (result: PassResult) => void;
  /** called after every failed attempt, with its reason code */
  onFailure?: (reason: string) => void;
}

export interface IngestHandle {
  /** Stops after the batch in hand is committed and marked; closes the connection. */
  stop(): Promise<void>;
}

/** Log a warning this many days before the credentials stop working. */
const AUTH_LOG_WARNING_DAYS = 14;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** Another ingester holds the mailbox: look again after this long (plus jitter). */
const LOCK_RETRY_MS = 2_000;
/** `ingest --once` waiting for the mailbox asks more often: an operator is waiting. */
const LOCK_POLL_MS = 500;

/** One pass over the mailbox: registers every message not yet registered, then marks it. */
export async function ingestOnce(
  deps: IngestDeps,
  options: IngestOnceOptions = {},
): Promise<PassResult> {
  const imap = requireImap(deps.config);
  const oauth = oauthClient(deps, imap);
  const source = sourceDeps(deps, imap, oauth);
  const release = await waitForMailboxLock(deps, imap, options);
  try {
    let connection: ImapConnection | null = null;
    try {
      await recordAuth(deps, imap, oauth);
      connection = await connectImap(source);
      await recordAuth(deps, imap, oauth);
      const progress = progressReporter(deps);
      const result = await connection.pass({ ...progress, signal: options.signal });
      progress.finish();
      await recordSuccess(deps.database.db, 'imap', deps.now(), passDetails(imap, result));
      logPass(deps.log, result);
      return result;
    } catch (error) {
      await noteFailure(deps, error);
      throw error;
    } finally {
      await connection?.close().catch(() => {});
    }
  } finally {
    await release().catch(() => {});
  }
}

/** The daemon's ingest loop (`senim start`). */
export function startIngest(deps: IngestDeps, options: IngestLoopOptions = {}): IngestHandle {
  const imap = requireImap(deps.config);
  const oauth = oauthClient(deps, imap);
  const source = sourceDeps(deps, imap, oauth);
  const stopping = new AbortController();
  const signal = stopping.signal;
  const lockName = 'mailbox:' + mailboxKey(imap);

  const loop = (async () => {
    let connection: ImapConnection | null = null;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!connection) {
          await recordAuth(deps, imap, oauth);
          connection = await connectImap(source);
          await recordAuth(deps, imap, oauth);
          deps.log.info({ source: 'imap', idle: connection.canIdle }, 'imap connected');
        }
        const release = await deps.database.tryLock(lockName);
        if (!release) {
          // Another ingester is working this mailbox: wait and retry (it releases after its pass).
          await sleep(LOCK_RETRY_MS + Math.random() * LOCK_RETRY_MS, signal);
          continue;
        }
        let result: PassResult;
        try {
          const progress = progressReporter(deps);
          result = await connection.pass({ ...progress, signal });
          progress.finish();
        } finally {
          await release().catch(() => {});
        }
        await recordSuccess(deps.database.db, 'imap', deps.now(), passDetails(imap, result));
        logPass(deps.log, result);
        failures = 0;
        options.onPass?.(result);
        if (signal.aborted) break;
        await connection.waitForChange(imap.pollSeconds * 1000, signal);
      } catch (error) {
        const closing = connection;
        connection = null;
        await closing?.close().catch(() => {});
        if (signal.aborted) break;
        failures += 1;
        const reason = await noteFailure(deps, error);
        options.onFailure?.(reason);
        const delay = backoffMs(failures);
        deps.log.warn(
          { source: 'imap', reason, attempt: failures, retryInMs: Math.round(delay) },
          'ingest failed; reconnecting after a pause',
        );
        await sleep(delay, signal);
      }
    }
    await connection?.close().catch(() => {});
  })();

  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}

/** Exponential backoff 1 s → 5 min with jitter, so replicas do not reconnect in step. */
export function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

function requireImap(config: Config): ImapConfig {
  if (!config.imap) {
    throw new InputError(
      'no-mailbox',
      'No mailbox is configured: set IMAP_HOST, IMAP_USER and IMAP_PASSWORD (or IMAP_AUTH=xoauth2 with IMAP_OAUTH_TOKEN_URL, IMAP_OAUTH_CLIENT_ID, IMAP_OAUTH_REFRESH_TOKEN); optionally IMAP_PORT, IMAP_TLS, IMAP_MAILBOX',
    );
  }
  return config.imap;
}

function oauthClient(deps: IngestDeps, imap: ImapConfig): OAuth2Client | null {
  if (imap.auth.kind !== 'xoauth2') return null;
  return createOAuth2Client({
    db: deps.database.db,
    vault: deps.vault,
    auth: imap.auth,
    now: deps.now,
    fetch: deps.fetch,
  });
}

function sourceDeps(deps: IngestDeps, imap: ImapConfig, oauth: OAuth2Client | null) {
  return { config: imap, intake: deps.intake, log: deps.log, dataDir: deps.config.dataDir, oauth };
}

async function waitForMailboxLock(
  deps: IngestDeps,
  imap: ImapConfig,
  options: IngestOnceOptions,
): Promise<() => Promise<void>> {
  const name = 'mailbox:' + mailboxKey(imap);
  const deadline = Date.now() + (options.lockWaitMs ?? 5 * 60_000);
  let logged = false;
  for (;;) {
    let release: (() => Promise<void>) | null;
    try {
      release = await deps.database.tryLock(name);
    } catch (error) {
      throw new SenimError('db-unreachable', 'Cannot use the database', 'operational', {
        cause: error,
      });
    }
    if (release) return release;
    if (Date.now() >= deadline) {
      throw new SenimError(
        'mailbox-busy',
        'Another Senim process is working this mailbox and did not finish in time; try again later',
      );
    }
    if (!logged) deps.log.info({ source: 'imap' }, 'another ingester holds the mailbox; waiting');
    logged = true;
    await sleep(LOCK_POLL_MS / 2 + Math.random() * LOCK_POLL_MS, options.signal);
  }
}

/**
 * Records when the credentials stop working, so the Ombudsman is warned days before (status,
 * digests), not after: the configured password expiry, or the OAuth2 refresh token's expiry.
 */
async function recordAuth(
  deps: IngestDeps,
  imap: ImapConfig,
  oauth: OAuth2Client | null,
): Promise<void> {
  const expiresAt =
    imap.auth.kind === 'password'
      ? imap.auth.expires
        ? startOfDay(imap.auth.expires, deps.config.timeZone)
        : null
      : await oauth!.refreshTokenExpiry();
  if (imap.auth.kind === 'xoauth2' && !expiresAt) return; // not refreshed yet
  await recordAuthExpiry(deps.database.db, 'imap', expiresAt, deps.now());
  const days = daysLeft(expiresAt, deps.now());
  if (days !== null && days <= AUTH_LOG_WARNING_DAYS) {
    deps.log.warn(
      { source: 'imap', auth: imap.auth.kind, daysLeft: days },
      'IMAP credentials expire soon',
    );
  }
}

/** Records the failure (best effort: the database may be what failed) and returns its reason. */
async function noteFailure(deps: IngestDeps, error: unknown): Promise<string> {
  const reason = reasonCode(error);
  await recordFailure(deps.database.db, 'imap', deps.now(), reason).catch(() => {});
  if (reason === 'imap-oauth-invalid-grant') {
    await recordAuthExpiry(deps.database.db, 'imap', deps.now(), deps.now()).catch(() => {});
  }
  return reason;
}

function passDetails(imap: ImapConfig, result: PassResult): Record<string, unknown> {
  return {
    mailbox: imap.mailbox,
    uidValidity: result.uidValidity,
    lastPass: { found: result.found, alreadyKnown: result.alreadyKnown, ...result.outcomes },
  };
}

function logPass(log: Logger, result: PassResult): void {
  const handed = Object.values(result.outcomes).reduce((a, b) => a + b, 0);
  if (handed === 0 && result.marked === 0) return;
  log.info(
    { source: 'imap', ...result.outcomes, marked: result.marked, interrupted: result.interrupted },
    'ingest pass',
  );
}

interface Progress extends Pick<PassOptions, 'onStart' | 'onProgress'> {
  finish(): void;
}

/** A backlog shows a progress bar on a terminal (stderr is a TTY), log lines otherwise. */
function progressReporter(deps: IngestDeps): Progress {
  if (deps.progress === false) return { finish() {} };
  let bar: cliProgress.SingleBar | null = null;
  let step = 0;
  let nextLog = 0;
  return {
    onStart(total) {
      if (total === 0) return;
      if (process.stderr.isTTY && total >= 20) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'registering mail [{bar}] {value}/{total} ({percentage}%) eta {eta_formatted}',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
        return;
      }
      deps.log.info({ source: 'imap', total }, 'registering mail');
      step = Math.max(100, Math.ceil(total / 10));
      nextLog = step;
    },
    onProgress({ total, done }) {
      if (bar) bar.update(done);
      else if (step > 0 && done >= nextLog && done < total) {
        deps.log.info({ source: 'imap', done, total }, 'registering mail');
        nextLog += step;
      }
    },
    finish() {
      bar?.stop();
    },
  };
}

/** The start of a calendar day in the configured zone (a password stops working that day). */
function startOfDay(date: string, timeZone: string): Date {
  const asUtc = Date.parse(`${date}T00:00:00Z`);
  let instant = asUtc;
  for (let i = 0; i < 2; i++) {
    const seen = zonedDateTime(new Date(instant), timeZone);
    instant += asUtc - Date.parse(`${seen.date}T${seen.time}:00Z`);
  }
  return new Date(instant);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
