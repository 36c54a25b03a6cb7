/**
 * The IMAP source (imapflow). One pass: list the UIDs not yet marked (the first pass of a
 * connection lists every UID), drop those our own records already hold (intake.knownUids),
 * fetch the rest with BODY.PEEK (\Seen never changes), hand them to intake in batches, and only after intake has committed mark them on the server — a keyword,
 * or a MOVE where the server has MOVE. Nothing is ever deleted or expunged (design: no appeal is
 * lost; exactly one entry per appeal).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { ImapConfig } from '../config.js';
import { SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  COMMIT_GROUP_SIZE,
  type Intake,
  type IntakeOutcome,
  type RawMessage,
} from './intake.port.js';
import type { OAuth2Client } from './oauth2.js';

/** Above this size a message is streamed to a temp file instead of arriving in a FETCH literal. */
export const LARGE_MESSAGE_BYTES = 4 * 1024 * 1024;
/**
 * Such a file arrives in partial FETCHes of this size. imapflow's 64 KB made the benchmark's 30 MB
 * letter 480 round trips, 0.2 s more than at 1 MB, at the same peak memory (4 MB: no faster).
 */
const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;
/**
 * A batch handed to intake at once: bounded in count and in bytes (memory stays flat), and one
 * transaction when it is full (25 made one of 20 and one of 5).
 */
const BATCH_MAX_MESSAGES = COMMIT_GROUP_SIZE;
const BATCH_MAX_BYTES = 4 * 1024 * 1024;
/** Batches handed to intake and not yet settled (committed and marked): keeps the parser busy. */
const IN_FLIGHT_BATCHES = 3;
/** UIDs per metadata FETCH (size, INTERNALDATE) */
const METADATA_CHUNK = 500;
/**
 * Longest single IDLE: servers drop one after 30 minutes (RFC 9051), and a server that sends
 * nothing while idling must not trip the socket timeout (SOCKET_TIMEOUT_MS).
 */
const MAX_IDLE_MS = 5 * 60_000;
const SOCKET_TIMEOUT_MS = 10 * 60_000;

export interface ImapSourceDeps {
  config: ImapConfig;
  intake: Intake;
  log: Logger;
  /** the data directory: very large messages pass through a temp file under it */
  dataDir: string;
  /** XOAUTH2 only */
  oauth: OAuth2Client | null;
}

export interface PassProgress {
  total: number;
  done: number;
}

export interface PassOptions {
  /** the pass ends after the batch in hand once this is aborted */
  signal?: AbortSignal;
  onStart?: (total: number) => void;
  onProgress?: (progress: PassProgress) => void;
}

export interface PassResult {
  /** messages waiting on the server (not marked) when the pass began */
  found: number;
  /** of those, already in our records (only marked now) */
  alreadyKnown: number;
  /** handed to intake, by outcome */
  outcomes: Record<IntakeOutcome['kind'], number>;
  marked: number;
  /** a stop request ended the pass early */
  interrupted: boolean;
  uidValidity: number;
}

export interface ImapConnection {
  /** `<user>@<host>/<mailbox>`: the name of the advisory lock for this mailbox */
  readonly mailboxKey: string;
  readonly canIdle: boolean;
  pass(options?: PassOptions): Promise<PassResult>;
  /**
   * Resolves when the mailbox may have changed (IDLE reported new mail), after `timeoutMs`, or
   * on abort; rejects when the connection drops.
   */
  waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export function mailboxKey(config: ImapConfig): string {
  return `${config.user}@${config.host}/${config.mailbox}`;
}

export async function connectImap(deps: ImapSourceDeps): Promise<ImapConnection> {
  const { config, log } = deps;
  const auth =
    config.auth.kind === 'password'
      ? { user: config.user, pass: config.auth.password }
      : { user: config.user, accessToken: (await deps.oauth!.accessToken()).accessToken };
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.tls,
    // TLS certificates are verified unless the operator turns it off explicitly.
    tls: { rejectUnauthorized: config.rejectUnauthorized },
    auth,
    // imapflow's own log can quote envelopes (addresses, subjects): never let it through.
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: SOCKET_TIMEOUT_MS,
    clientInfo: { name: 'senim' },
  });
  let closed = false;
  /** set after the first complete pass of this connection (see pass) */
  let reconciled = false;
  /** message count after the last pass: mail that arrived during it must not wait for a poll */
  let existsAfterPass = -1;
  let closeListeners: (() => void)[] = [];
  // An 'error' event without a listener would crash the daemon; the 'close' that follows it
  // is what the loop acts on.
  client.on('error', (error: Error) => {
    log.warn({ source: 'imap', reason: reasonCode(error) }, 'imap connection error');
  });
  client.on('close', () => {
    closed = true;
    for (const listener of closeListeners) listener();
  });

  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw imapError(error, 'connect');
  }
  try {
    await client.mailboxOpen(config.mailbox);
  } catch (error) {
    await client.logout().catch(() => client.close());
    throw imapError(error, 'select');
  }

  // UIDs are recorded per account, server and folder: UIDVALIDITY values repeat across accounts
  // and servers (often 1), and a mailbox moved to another server must not look "already known".
  const origin = mailboxKey(config);
  const hasMove = client.capabilities.has('MOVE');
  const canIdle = client.capabilities.has('IDLE');
  const keyword = config.mark.keyword;
  const moveTo = config.mark.kind === 'move' ? config.mark.folder : null;
  if (moveTo && !hasMove) {
    // Never copy-then-expunge: without MOVE the keyword is the mark (design).
    log.warn({ source: 'imap' }, 'server has no MOVE: marking with the keyword instead');
  }
  const useMove = moveTo !== null && hasMove;
  if (useMove) await ensureFolder(client, moveTo);
  await clearStaleTempFiles(tempDir(deps.dataDir));

  function keywordAllowed(): boolean {
    const mailbox = client.mailbox;
    const permanent = mailbox ? mailbox.permanentFlags : undefined;
    return !permanent || permanent.has('\\*') || permanent.has(keyword);
  }

  async function mark(uids: number[]): Promise<number> {
    if (uids.length === 0) return 0;
    const range = uidSet(uids);
    if (useMove) {
      await client.messageMove(range, moveTo, { uid: true });
    } else if (keywordAllowed()) {
      // Only the keyword is added: \Seen and every other flag stay as the owner left them.
      await client.messageFlagsAdd(range, [keyword], { uid: true, silent: true });
    } else {
      return 0;
    }
    return uids.length;
  }

  async function fetchRaw(meta: MessageMeta[], mailbox: string, uidValidity: number) {
    const out: RawMessage[] = [];
    const small = meta.filter((m) => m.size <= LARGE_MESSAGE_BYTES);
    if (small.length > 0) {
      const fetched = await client.fetchAll(
        uidSet(small.map((m) => m.uid)),
        { uid: true, internalDate: true, source: true },
        { uid: true },
      );
      const byUid = new Map(fetched.map((m) => [m.uid, m]));
      for (const m of small) {
        const message = byUid.get(m.uid);
        // gone since the search (moved or expunged by another client): nothing to register
        if (!message?.source) continue;
        out.push(rawMessage(message.source, receivedAt(message, m), mailbox, uidValidity, m.uid));
      }
    }
    for (const m of meta.filter((x) => x.size > LARGE_MESSAGE_BYTES)) {
      const raw = await downloadLarge(client, m.uid, tempDir(deps.dataDir));
      if (raw) out.push(rawMessage(raw, m.internalDate, mailbox, uidValidity, m.uid));
    }
    out.sort((a, b) => uidOf(a) - uidOf(b));
    return out;
  }

  async function pass(options: PassOptions = {}): Promise<PassResult> {
    if (closed) throw new SenimError('imap-closed', 'The IMAP connection is closed');
    try {
      // NOOP lets the server report new mail and a changed UIDVALIDITY before we search.
      await client.noop();
      const mailbox = client.mailbox;
      if (!mailbox) throw new SenimError('imap-select', 'The mailbox is no longer selected');
      const uidValidity = Number(mailbox.uidValidity);
      const byKeyword = !useMove && keywordAllowed();
      const search = async (query: { all: true } | { unKeyword: string }) =>
        ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
      const unmarked = await search(byKeyword ? { unKeyword: keyword } : { all: true });
      // "Already registered" comes from our records, never from server flags: once per
      // connection, marked mail is listed too, so that a journal restored from a backup (or a
      // new database on an old mailbox) registers what it does not hold. (Copies found by their
      // bytes under another UID are marked but not recorded: they are fetched again then, and
      // found again.)
      const listed = byKeyword && !reconciled ? await search({ all: true }) : unmarked;
      const known = await viaIntake(() => deps.intake.knownUids(origin, uidValidity));
      const unmarkedSet = new Set(unmarked);
      // what needs work: unknown mail, and known mail left unmarked
      const found = listed.filter((uid) => unmarkedSet.has(uid) || !known.has(uid));
      const alreadyKnown = found.filter((uid) => known.has(uid));
      const todo = found.filter((uid) => !known.has(uid));
      const result: PassResult = {
        found: found.length,
        alreadyKnown: alreadyKnown.length,
        outcomes: { registered: 0, attached: 0, recorded: 0, held: 0, duplicate: 0 },
        marked: 0,
        interrupted: false,
        uidValidity,
      };
      // Committed earlier but not marked (a crash between commit and mark): mark them now.
      result.marked += await mark(alreadyKnown);
      options.onStart?.(todo.length);
      let done = 0;
      // Batches overlap: the next one is fetched while up to IN_FLIGHT_BATCHES handed over
      // earlier are prepared (intake parses ahead) and committed. Marking waits for each batch's
      // commit; intake commits batches in the order they were handed over. Memory: the batches
      // in flight, each bounded by BATCH_MAX_BYTES. Only the UIDs are kept here: the raws are
      // intake's until it commits, then garbage.
      type Handed = { uids: number[]; outcomes: Promise<IntakeOutcome[]> };
      const inFlight: Handed[] = [];
      const settle = async (handed: Handed) => {
        const { uids } = handed;
        const outcomes = await viaIntake(() => handed.outcomes);
        // Committed: only now may the server learn that these are done.
        for (const outcome of outcomes) result.outcomes[outcome.kind] += 1;
        result.marked += await mark(uids);
        done += uids.length;
        options.onProgress?.({ total: todo.length, done });
      };
      const settleAll = async () => {
        while (inFlight.length > 0) await settle(inFlight.shift()!);
      };
      try {
        for (let i = 0; i < todo.length; i += METADATA_CHUNK) {
          const meta = await fetchMeta(client, todo.slice(i, i + METADATA_CHUNK));
          const list = [...batches(meta)];
          const fetchBatch = (index: number) => {
            const pending = fetchRaw(list[index]!, origin, uidValidity);
            pending.catch(() => {}); // awaited below; never an unhandled rejection
            return pending;
          };
          // A very large message travels alone: fetched once the batches before it are
          // committed, and committed before the next is fetched (peak memory: one such message)
          const prefetch = (index: number) =>
            index < list.length && !travelsAlone(list[index]!) ? fetchBatch(index) : null;
          let ahead = prefetch(0);
          for (let index = 0; index < list.length; index++) {
            if (options.signal?.aborted) {
              await ahead?.catch(() => {});
              await settleAll();
              result.interrupted = true;
              return result;
            }
            if (!ahead) {
              await settleAll();
              ahead = fetchBatch(index);
            }
            const raws = await ahead;
            const alone = travelsAlone(list[index]!);
            ahead = alone ? null : prefetch(index + 1);
            const outcomes = deps.intake.acceptMany(raws);
            outcomes.catch(() => {}); // settled below
            inFlight.push({ uids: raws.map(uidOf), outcomes });
            while (inFlight.length > (alone ? 0 : IN_FLIGHT_BATCHES)) {
              await settle(inFlight.shift()!);
            }
          }
        }
        await settleAll();
      } catch (error) {
        // nothing keeps working after the pass: the batches handed over end first
        await Promise.allSettled(inFlight.map((handed) => handed.outcomes));
        throw error;
      }
      existsAfterPass = client.mailbox ? client.mailbox.exists : -1;
      reconciled = true;
      return result;
    } catch (error) {
      throw imapError(error, 'pass');
    }
  }

  function waitForChange(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (closed) {
        reject(new SenimError('imap-closed', 'The IMAP connection was closed'));
        return;
      }
      const finish = (error?: Error) => {
        clearTimeout(timer);
        client.off('exists', onExists);
        signal?.removeEventListener('abort', onAbort);
        closeListeners = closeListeners.filter((l) => l !== onClose);
        if (error) reject(error);
        else resolve();
      };
      const onExists = () => finish();
      const onAbort = () => finish();
      const onClose = () =>
        finish(new SenimError('imap-closed', 'The IMAP server closed the connection'));
      const timer = setTimeout(finish, canIdle ? Math.min(timeoutMs, MAX_IDLE_MS) : timeoutMs);
      client.on('exists', onExists);
      signal?.addEventListener('abort', onAbort, { once: true });
      closeListeners.push(onClose);
      const mailbox = client.mailbox;
      if (
        signal?.aborted ||
        (mailbox && existsAfterPass >= 0 && mailbox.exists > existsAfterPass)
      ) {
        finish();
        return;
      }
      // IDLE lasts until the next command (the pass's NOOP) breaks it.
      if (canIdle) client.idle().catch(() => {});
    });
  }

  return {
    mailboxKey: mailboxKey(config),
    canIdle,
    pass,
    waitForChange,
    async close() {
      if (closed) return;
      await client.logout().catch(() => client.close());
    },
  };
}

/** Intake failures are database failures, not IMAP ones: say so in the reason. */
async function viaIntake<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SenimError) throw error;
    throw new SenimError(
      'intake-failed',
      'Registering mail failed (database): nothing was marked on the server; the pass will be retried',
      'operational',
      { cause: error },
    );
  }
}

interface MessageMeta {
  uid: number;
  size: number;
  internalDate: Date;
}

async function fetchMeta(client: ImapFlow, uids: number[]): Promise<MessageMeta[]> {
  const fetched = await client.fetchAll(
    uidSet(uids),
    { uid: true, size: true, internalDate: true },
    { uid: true },
  );
  return fetched
    .map((m) => ({ uid: m.uid, size: m.size ?? 0, internalDate: toDate(m.internalDate) }))
    .sort((a, b) => a.uid - b.uid);
}

/** Groups messages so that no batch holds more than BATCH_MAX_* (a large one goes alone). */
export function* batches(meta: MessageMeta[]): Generator<MessageMeta[]> {
  let batch: MessageMeta[] = [];
  let bytes = 0;
  for (const m of meta) {
    if (
      batch.length > 0 &&
      (batch.length >= BATCH_MAX_MESSAGES || bytes + m.size > BATCH_MAX_BYTES)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(m);
    bytes += m.size;
  }
  if (batch.length > 0) yield batch;
}

function travelsAlone(batch: readonly MessageMeta[]): boolean {
  return batch.some((m) => m.size > LARGE_MESSAGE_BYTES);
}

/** `1:3,7,9:12` for [1,2,3,7,9,10,11,12]. */
export function uidSet(uids: number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) end = sorted[++i]!;
    parts.push(start === end ? String(start) : `${start}:${end}`);
  }
  return parts.join(',');
}

function rawMessage(
  raw: Buffer,
  receivedAt: Date,
  mailbox: string,
  uidValidity: number,
  uid: number,
): RawMessage {
  return { raw, receivedAt, origin: { source: 'imap', mailbox, uidValidity, uid } };
}

function uidOf(message: RawMessage): number {
  return message.origin.source === 'imap' ? message.origin.uid : 0;
}

/** Column 2 is the server's INTERNALDATE (the Date: header is untrusted). */
function receivedAt(message: FetchMessageObject, meta: MessageMeta): Date {
  return message.internalDate ? toDate(message.internalDate) : meta.internalDate;
}

function toDate(value: Date | string | undefined): Date {
  const date = value instanceof Date ? value : new Date(value ?? NaN);
  if (Number.isNaN(date.getTime())) {
    throw new SenimError('imap-internaldate', 'The IMAP server gave a message no INTERNALDATE');
  }
  return date;
}

function tempDir(dataDir: string): string {
  return path.join(dataDir, 'tmp', 'imap');
}

/**
 * A very large message is streamed to a file and read back once, so it is never held twice (FETCH
 * literal + copy). The file holds raw mail (personal data): owner-only, removed at once.
 */
async function downloadLarge(client: ImapFlow, uid: number, dir: string): Promise<Buffer | null> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.eml`);
  try {
    const download = await client.download(String(uid), undefined, {
      uid: true,
      chunkSize: DOWNLOAD_CHUNK_BYTES,
    });
    if (!download.content) return null;
    await pipeline(download.content, createWriteStream(file, { mode: 0o600 }));
    return await readFile(file);
  } finally {
    await rm(file, { force: true });
  }
}

/** Temp files left by a process killed mid-download. */
async function clearStaleTempFiles(dir: string): Promise<void> {
  const files = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    files.filter((f) => f.endsWith('.eml')).map((f) => rm(path.join(dir, f), { force: true })),
  );
}

async function ensureFolder(client: ImapFlow, folder: string): Promise<void> {
  const list = await client.list();
  if (!list.some((m) => m.path === folder)) await client.mailboxCreate(folder);
}

/** A reason code for logs and source_health: never the server's text (it can quote addresses). */
export function reasonCode(error: unknown): string {
  if (error instanceof SenimError) return error.code;
  const e = error as {
    code?: unknown;
    authenticationFailed?: unknown;
    serverResponseCode?: unknown;
  };
  if (e?.authenticationFailed) return 'imap-auth';
  // imapflow's own text (no server text): the server offers none of the mechanisms we can use.
  if (error instanceof Error && /unsupported authentication mechanism/i.test(error.message)) {
    return 'imap-auth-mechanism';
  }
  if (typeof e?.serverResponseCode === 'string')
    return `imap-${e.serverResponseCode.toLowerCase()}`;
  if (typeof e?.code === 'string') return `imap-${e.code}`;
  return 'imap-error';
}

function imapError(error: unknown, stage: 'connect' | 'select' | 'pass'): SenimError {
  if (error instanceof SenimError) return error;
  const reason = reasonCode(error);
  if (reason === 'imap-auth') {
    return new SenimError(
      'imap-auth',
      'The IMAP server refused the login of IMAP_USER: check IMAP_PASSWORD (or the OAuth2 settings IMAP_OAUTH_*)',
      'operational',
      { cause: error },
    );
  }
  if (reason === 'imap-auth-mechanism') {
    return new SenimError(
      reason,
      'The IMAP server offers no login mechanism for this IMAP_AUTH (XOAUTH2/OAUTHBEARER for xoauth2, LOGIN/PLAIN for password)',
      'operational',
      { cause: error },
    );
  }
  const what = {
    connect: 'Cannot connect to the IMAP server at IMAP_HOST:IMAP_PORT (check IMAP_TLS too)',
    select: 'Cannot open the mailbox IMAP_MAILBOX on the IMAP server',
    pass: 'The IMAP session failed during a pass; it will be retried',
  }[stage];
  return new SenimError(reason, `${what} (${reason})`, 'operational', { cause: error });
}
