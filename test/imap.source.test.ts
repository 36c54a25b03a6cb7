/**
 * The IMAP source and the ingest runner against the private Dovecot and real databases: exactly
 * once, nothing lost, \Seen untouched, marks only after commit (design: no appeal is lost).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { zonedDateTime } from '../src/cases/calendar.js';
import { parseConfig, type Config } from '../src/config.js';
import { openPostgres, rows, type Database } from '../src/db/database.js';
import { entries, messages, secrets, sourceHealth } from '../src/db/schema.js';
import {
  healthProblems,
  readHealth,
  recordAuthExpiry,
  type OutboxCounts,
} from '../src/ingest/health.repository.js';
import { problemText } from '../src/cli/status.commands.js';
import { ingestOnce, startIngest, type IngestDeps } from '../src/ingest/ingest.runner.js';
import { createIntake } from '../src/ingest/intake.usecases.js';
import { createOAuth2Client, REFRESH_TOKEN_SECRET } from '../src/ingest/oauth2.js';
import { silentLogger } from '../src/log.js';
import { engines, pglite, postgresEngine, type TestDatabase } from './helpers/engines.js';
import { intakeDeps } from './helpers/intake.js';
import { deliver, deliverMany, withImap } from './helpers/mailbox.js';
import {
  attachDovecot,
  startDovecot,
  type DovecotServer,
  type MailUser,
} from './services/dovecot.js';

const KEYWORD = '$SenimRegistered';
const FIXTURES = join(import.meta.dirname, 'fixtures/mail');
const NO_OUTBOX: OutboxCounts = { queued: 0, failed: 0, held: 0, sent: 0 };

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'senim-imap-test-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function configFor(server: { host: string; port: number }, account: MailUser, env = {}): Config {
  return parseConfig({
    IMAP_HOST: server.host,
    IMAP_PORT: String(server.port),
    IMAP_USER: account.user,
    IMAP_PASSWORD: account.password,
    IMAP_TLS: 'false',
    IMAP_POLL_SECONDS: '5',
    SENIM_DATA_DIR: dataDir,
    ...env,
  });
}

function depsFor(t: TestDatabase, config: Config, database: Database = t.database): IngestDeps {
  const now = () => new Date();
  return {
    config,
    database,
    vault: t.vault,
    intake: createIntake(intakeDeps({ ...t, database }, { now })),
    log: silentLogger,
    now,
    progress: false,
  };
}

/** uid → flags of every message in INBOX */
function serverFlags(server: { host: string; port: number }, account: MailUser) {
  return withImap(server, account, async (client) => {
    const all = await client.fetchAll('1:*', { uid: true, flags: true }).catch(() => []);
    return new Map(all.map((m) => [m.uid, m.flags ?? new Set<string>()]));
  });
}

async function messageCount(database: Database): Promise<number> {
  const [row] = await rows<{ n: string | number }>(
    database.db,
    sql`select count(*) as n from messages`,
  );
  return Number(row?.n ?? 0);
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const uniqueUser = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}`;

/** A small appeal whose bytes differ for every n (so each is its own appeal). */
function appeal(n: number, tag = 'bulk'): Buffer {
  return Buffer.from(
    [
      `From: Appellant ${n} <person${n}@example.kz>`,
      'To: ombudsman@ales.kz',
      `Subject: Appeal ${tag} ${n}`,
      'Date: Mon, 02 Nov 2026 10:00:00 +0500',
      `Message-ID: <${tag}.${n}.${randomBytes(4).toString('hex')}@example.kz>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `The foreman at CHP-2 demands money for access to work. Case ${tag} ${n}.`,
      '',
    ].join('\r\n'),
  );
}

describe.each(engines)('IMAP ingest on $name', (engine) => {
  const dovecot = attachDovecot(inject('dovecot'));
  let t: TestDatabase;
  let account: MailUser;
  let config: Config;
  /** UID (delivery order, fresh mailbox) → the INTERNALDATE and \\Seen it was delivered with */
  const delivered = new Map<number, { date: Date; seen: boolean }>();

  beforeAll(async () => {
    t = await engine.open();
    account = await dovecot.addUser(uniqueUser(`fixtures-${engine.name}`));
    config = configFor(dovecot, account);
    const files = (await readdir(FIXTURES)).filter((f) => f.endsWith('.eml')).sort();
    let i = 0;
    for (const file of files) {
      const raw = await readFile(join(FIXTURES, file));
      // A third of them were already read by another client: they must be registered too.
      const seen = i % 3 === 0;
      const date = new Date(Date.UTC(2024, 1, 28, 20, 0, 0) + i * 7_200_000); // crosses 1 March 2024
      await deliver(account.maildir, raw, {
        internalDate: date,
        flags: seen ? ['\\Seen'] : undefined,
      });
      delivered.set(i + 1, { date, seen });
      i++;
    }
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('registers every message once, with INTERNALDATE as receipt time, marks it and leaves \\Seen as it was', async () => {
    const result = await ingestOnce(depsFor(t, config));
    expect(result.found).toBe(delivered.size);
    expect(Object.values(result.outcomes).reduce((a, b) => a + b, 0)).toBe(delivered.size);
    expect(result.outcomes.duplicate).toBe(0);

    const stored = await t.database.db.select().from(messages);
    expect(stored).toHaveLength(delivered.size);
    expect(new Set(stored.map((m) => m.uid)).size).toBe(delivered.size);
    for (const m of stored) {
      expect(m.source).toBe('imap');
      expect(m.receivedAt.getTime()).toBe(delivered.get(m.uid!)?.date.getTime());
    }
    // Each appeal once: one entry per message that registered one.
    const registered = stored.filter((m) => m.status === 'registered');
    const journal = await t.database.db.select().from(entries);
    expect(journal).toHaveLength(registered.length);
    expect(registered.length).toBe(result.outcomes.registered);
    for (const e of journal) {
      const m = registered.find((r) => r.entryNumber === e.number);
      expect(e.receivedAt.getTime()).toBe(m?.receivedAt.getTime());
    }

    const flags = await serverFlags(dovecot, account);
    expect(flags.size).toBe(delivered.size);
    for (const [uid, f] of flags) {
      expect(f.has(KEYWORD)).toBe(true);
      expect(f.has('\\Seen')).toBe(delivered.get(uid)?.seen);
      expect(f.has('\\Deleted')).toBe(false);
    }

    const [health] = await readHealth(t.database.db);
    expect(health?.source).toBe('imap');
    expect(health?.lastSuccessAt).toBeInstanceOf(Date);
    expect(healthProblems([health!], NO_OUTBOX, new Date()).map(problemText)).toEqual([]);
  });

  it('a second pass registers nothing new', async () => {
    const before = await messageCount(t.database);
    const result = await ingestOnce(depsFor(t, config));
    expect(result.found).toBe(0);
    expect(Object.values(result.outcomes).every((n) => n === 0)).toBe(true);
    expect(await messageCount(t.database)).toBe(before);
  });

  it('registers marked mail that its own records do not hold (a journal restored from a backup)', async () => {
    // every message carries the keyword; a new database knows none of them
    await withImap(dovecot, account, (c) => c.messageFlagsAdd('1:*', [KEYWORD]));
    const fresh = await engine.open();
    try {
      const result = await ingestOnce(depsFor(fresh, config));
      expect(result.found).toBe(delivered.size);
      expect(Object.values(result.outcomes).reduce((a, b) => a + b, 0)).toBe(delivered.size);
      expect(await messageCount(fresh.database)).toBe(delivered.size);
    } finally {
      await fresh.dispose();
    }
  });

  it('decides "already registered" from its own records when another client strips the keyword', async () => {
    await withImap(dovecot, account, (c) => c.messageFlagsRemove('1:*', [KEYWORD]));
    const before = await messageCount(t.database);
    const result = await ingestOnce(depsFor(t, config));
    expect(result.found).toBe(delivered.size);
    expect(result.alreadyKnown).toBe(delivered.size);
    expect(Object.values(result.outcomes).every((n) => n === 0)).toBe(true);
    expect(await messageCount(t.database)).toBe(before);
    const flags = await serverFlags(dovecot, account);
    expect([...flags.values()].every((f) => f.has(KEYWORD))).toBe(true);
  });
});

describe('IMAP ingest on PostgreSQL, several processes and server changes', () => {
  const dovecot = attachDovecot(inject('dovecot'));
  let t: TestDatabase;
  beforeAll(async () => {
    t = await postgresEngine.open();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('two ingesters on one mailbox with separate connections register each message once', async () => {
    const account = await dovecot.addUser(uniqueUser('twins'));
    const n = 40;
    await deliverMany(
      account.maildir,
      Array.from({ length: n }, (_, i) => ({ raw: appeal(i, 'twins') })),
    );
    const config = configFor(dovecot, account);
    const second = await openPostgres(t.url!);
    try {
      const [a, b] = await Promise.all([
        ingestOnce(depsFor(t, config)),
        ingestOnce(depsFor(t, config, second)),
      ]);
      const handed = (r: typeof a) => Object.values(r.outcomes).reduce((x, y) => x + y, 0);
      expect(handed(a) + handed(b)).toBe(n);
    } finally {
      await second.close();
    }
    // The database is fresh for this first test: exactly n messages, none twice.
    expect(await messageCount(t.database)).toBe(n);
    const flags = await serverFlags(dovecot, account);
    expect(flags.size).toBe(n);
    expect([...flags.values()].every((f) => f.has(KEYWORD))).toBe(true);
    const [dups] = await rows<{ n: string }>(
      t.database.db,
      sql`select count(*) as n from (select raw_sha256 from messages group by raw_sha256 having count(*) > 1) d`,
    );
    expect(Number(dups?.n)).toBe(0);
  });

  it('after a UIDVALIDITY reset nothing is registered twice (intake matches by SHA-256)', async () => {
    const account = await dovecot.addUser(uniqueUser('uidvalidity'));
    const n = 12;
    await deliverMany(
      account.maildir,
      Array.from({ length: n }, (_, i) => ({ raw: appeal(i, 'uidv') })),
    );
    const config = configFor(dovecot, account);
    const first = await ingestOnce(depsFor(t, config));
    expect(first.outcomes.registered).toBe(n);
    const before = await messageCount(t.database);

    await dovecot.resetUidValidity(account.user);
    // The keywords may survive in the Maildir file names; strip them so every message is fetched.
    await withImap(dovecot, account, (c) => c.messageFlagsRemove('1:*', [KEYWORD]));
    const second = await ingestOnce(depsFor(t, config));
    expect(second.uidValidity).not.toBe(first.uidValidity);
    expect(second.alreadyKnown).toBe(0);
    expect(second.outcomes.duplicate).toBe(n);
    expect(second.outcomes.registered).toBe(0);
    expect(await messageCount(t.database)).toBe(before);
    const flags = await serverFlags(dovecot, account);
    expect([...flags.values()].every((f) => f.has(KEYWORD))).toBe(true);
  });

  it('moves registered mail to a folder where the server has MOVE, never expunging anything else', async () => {
    const account = await dovecot.addUser(uniqueUser('move'));
    await deliverMany(account.maildir, [
      { raw: appeal(1, 'move') },
      { raw: appeal(2, 'move'), flags: ['\\Seen'] },
    ]);
    const config = configFor(dovecot, account, {
      IMAP_MARK: 'move',
      IMAP_MOVE_TO: 'Registered',
    });
    const result = await ingestOnce(depsFor(t, config));
    expect(result.outcomes.registered).toBe(2);
    await withImap(dovecot, account, async (client) => {
      const inbox = await client.status('INBOX', { messages: true });
      expect(inbox && inbox.messages).toBe(0);
      const moved = await client.mailboxOpen('Registered');
      expect(moved.exists).toBe(2);
      const flags = await client.fetchAll('1:*', { flags: true });
      expect(flags.filter((m) => m.flags?.has('\\Seen'))).toHaveLength(1);
    });
    // A second pass finds nothing to do (the folder is not the source mailbox).
    const again = await ingestOnce(depsFor(t, config));
    expect(again.found).toBe(0);
  });

  it('records when the password expires, so status and digests warn days before', async () => {
    const account = await dovecot.addUser(uniqueUser('expiring'));
    await deliver(account.maildir, appeal(1, 'expiring'));
    const { date } = zonedDateTime(new Date(Date.now() + 5 * 86_400_000), 'Asia/Almaty');
    const config = configFor(dovecot, account, { IMAP_PASSWORD_EXPIRES: date });
    await ingestOnce(depsFor(t, config));
    const [health] = await readHealth(t.database.db);
    // The start of that day in Almaty (UTC+5 since 1 March 2024).
    expect(health?.authExpiresAt?.toISOString()).toBe(
      new Date(`${date}T00:00:00+05:00`).toISOString(),
    );
    expect(healthProblems([health!], NO_OUTBOX, new Date()).map(problemText)).toEqual([
      expect.stringMatching(/^imap: the credentials expire in [45] day\(s\)$/),
    ]);
  });

  it('streams a very large message through a temp file, alone in flight, and registers it intact', async () => {
    const account = await dovecot.addUser(uniqueUser('large'));
    const big = Buffer.concat([
      appeal(1, 'large').subarray(0, -2),
      Buffer.from(('A'.repeat(76) + '\r\n').repeat(70_000)),
    ]);
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const small = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ raw: appeal(from + i, 'around-large') }));
    await deliverMany(account.maildir, [...small(1, 60), { raw: big }, ...small(100, 30)], {
      parallel: 1,
    });
    const deps = depsFor(t, configFor(dovecot, account));
    // intake slowed down so that batches overlap; what is in flight when each batch arrives
    const { intake } = deps;
    let pending = 0;
    const calls: { large: boolean; pendingBefore: number }[] = [];
    const result = await ingestOnce({
      ...deps,
      intake: {
        ...intake,
        acceptMany: async (list) => {
          const large = list.some((m) => m.raw.length > 4 * 1024 * 1024);
          calls.push({ large, pendingBefore: pending });
          pending++;
          try {
            await new Promise((r) => setTimeout(r, 100));
            return await intake.acceptMany(list);
          } finally {
            pending--;
          }
        },
      },
    });
    expect(result.found).toBe(91);
    expect(result.outcomes.registered).toBe(91);
    const at = calls.findIndex((c) => c.large);
    expect(calls.length).toBeGreaterThan(at + 1);
    // the small batches overlap; the large one waits for them, and the next waits for it
    expect(calls.some((c) => c.pendingBefore > 0)).toBe(true);
    expect(calls[at]!.pendingBefore).toBe(0);
    expect(calls[at + 1]!.pendingBefore).toBe(0);
    const [row] = await t.database.db
      .select({ sha: messages.rawSha256, size: messages.rawSize })
      .from(messages)
      .where(eq(messages.rawSha256, sha256(big)));
    expect(row?.size).toBe(big.length);
    expect(await readdir(join(dataDir, 'tmp', 'imap'))).toEqual([]);
  });
});

describe('IMAP ingest when the server goes away', () => {
  let dovecot: DovecotServer;
  let t: TestDatabase;
  beforeAll(async () => {
    [dovecot, t] = await Promise.all([startDovecot(), postgresEngine.open()]);
  });
  afterAll(async () => {
    await Promise.allSettled([dovecot?.stop(), t?.dispose()]);
  });

  it('a Dovecot restart mid-ingest fails the pass or reconnects; a rerun completes, exactly once', async () => {
    const account = await dovecot.addUser('restart');
    const n = 150;
    await deliverMany(
      account.maildir,
      Array.from({ length: n }, (_, i) => ({ raw: appeal(i, 'restart') })),
    );
    const config = configFor(dovecot, account);
    const pass = ingestOnce(depsFor(t, config)).then(
      () => 'completed',
      (error: { code?: string }) => `failed: ${error.code}`,
    );
    await waitFor('the first messages', async () => (await messageCount(t.database)) > 10);
    await dovecot.restart();
    const first = await pass;
    expect(first).toMatch(/^(completed|failed: \S+)/);
    const rerun = await ingestOnce(depsFor(t, config));
    expect(rerun.outcomes.duplicate).toBe(0);
    expect(await messageCount(t.database)).toBe(n);
    const flags = await serverFlags(dovecot, account);
    expect([...flags.values()].filter((f) => f.has(KEYWORD))).toHaveLength(n);
    expect([...flags.values()].some((f) => f.has('\\Seen'))).toBe(false);
    const [health] = await t.database.db.select().from(sourceHealth);
    expect(health?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('the daemon loop takes new mail by IDLE, reconnects after a restart, and stops after the batch in hand', async () => {
    const account = await dovecot.addUser('loop');
    const config = configFor(dovecot, account, { IMAP_POLL_SECONDS: '300' });
    const db = await postgresEngine.open();
    const failures: string[] = [];
    let passes = 0;
    const loop = startIngest(depsFor(db, config), {
      onPass: () => void passes++,
      onFailure: (reason) => void failures.push(reason),
    });
    try {
      await waitFor('the first pass', () => Promise.resolve(passes > 0));
      // A poll every 300 s: only IDLE can bring this in quickly.
      await deliver(account.maildir, appeal(1, 'idle'));
      await waitFor(
        'IDLE to bring the message',
        async () => (await messageCount(db.database)) === 1,
        8_000,
      );

      await dovecot.restart();
      await deliver(account.maildir, appeal(2, 'idle'));
      await waitFor('reconnection', async () => (await messageCount(db.database)) === 2, 15_000);
      expect(failures.length).toBeGreaterThan(0);

      await deliverMany(
        account.maildir,
        Array.from({ length: 150 }, (_, i) => ({ raw: appeal(100 + i, 'stop') })),
      );
      await waitFor('the backlog to start', async () => (await messageCount(db.database)) > 2);
    } finally {
      await loop.stop();
    }
    // Stopped after the batch in hand: everything committed is marked, nothing marked is missing.
    const committed = await messageCount(db.database);
    const flags = await serverFlags(dovecot, account);
    expect([...flags.values()].filter((f) => f.has(KEYWORD))).toHaveLength(committed);
    await db.dispose();
  });
});

describe('XOAUTH2 refresh-token flow', () => {
  let t: TestDatabase;
  let server: Server;
  let tokenUrl: string;
  /** refresh tokens the endpoint has issued and not yet seen used; the last one received */
  const issued: string[] = [];
  const received: string[] = [];
  let refuse = false;

  beforeAll(async () => {
    t = await pglite.open();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const token = form.get('refresh_token') ?? '';
        received.push(token);
        res.setHeader('content-type', 'application/json');
        if (refuse || form.get('grant_type') !== 'refresh_token') {
          res.statusCode = 400;
          res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'user x@y.kz' }));
          return;
        }
        const next = `rt-${issued.length + 1}-${randomBytes(6).toString('hex')}`;
        issued.push(next);
        res.end(
          JSON.stringify({
            token_type: 'Bearer',
            access_token: `at-${issued.length}`,
            expires_in: 3600,
            refresh_token: next,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    tokenUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/token`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.dispose();
  });

  function oauthConfig(refreshToken: string) {
    return {
      kind: 'xoauth2' as const,
      tokenUrl,
      clientId: 'senim-test',
      clientSecret: 'client-secret',
      refreshToken,
      scope: 'https://outlook.office365.com/IMAP.AccessAsUser.All offline_access',
    };
  }

  it('stores each rotated refresh token sealed and uses it next time', async () => {
    const day0 = new Date('2026-11-01T00:00:00Z');
    const first = createOAuth2Client({
      db: t.database.db,
      vault: t.vault,
      auth: oauthConfig('rt-configured'),
      now: () => day0,
    });
    const grant = await first.accessToken();
    expect(grant.accessToken).toBe('at-1');
    expect(received.at(-1)).toBe('rt-configured');
    // 90 days of inactivity from issue (Microsoft).
    expect(grant.refreshTokenExpiresAt.toISOString()).toBe('2027-01-30T00:00:00.000Z');
    // cached: no second request within the access token's life
    await first.accessToken();
    expect(received).toHaveLength(1);

    const [row] = await t.database.db
      .select()
      .from(secrets)
      .where(eq(secrets.name, REFRESH_TOKEN_SECRET));
    expect(row).toBeDefined();
    expect(row!.value.includes(Buffer.from(issued[0]!))).toBe(false);
    const opened = await t.vault.openJson<{ token: string; issuedAt: string }>(
      t.database.db,
      row!.keyId,
      row!.value,
    );
    expect(opened.token).toBe(issued[0]);
    expect(opened.issuedAt).toBe(day0.toISOString());

    // A later process (fresh client) uses the rotated token, not the configured one.
    const day30 = new Date('2026-12-01T00:00:00Z');
    const later = createOAuth2Client({
      db: t.database.db,
      vault: t.vault,
      auth: oauthConfig('rt-configured'),
      now: () => day30,
    });
    const second = await later.accessToken();
    expect(received.at(-1)).toBe(issued[0]);
    expect(second.refreshTokenExpiresAt.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(await later.refreshTokenExpiry()).toEqual(second.refreshTokenExpiresAt);
  });

  it('warns days before the refresh token stops working, not after', async () => {
    const stored = await createOAuth2Client({
      db: t.database.db,
      vault: t.vault,
      auth: oauthConfig('rt-configured'),
      now: () => new Date(),
    }).refreshTokenExpiry();
    await recordAuthExpiry(t.database.db, 'imap', stored, new Date());
    const [health] = await readHealth(t.database.db);
    const fiveDaysBefore = new Date(stored!.getTime() - 5 * 86_400_000);
    const monthBefore = new Date(stored!.getTime() - 30 * 86_400_000);
    expect(healthProblems([health!], NO_OUTBOX, monthBefore).map(problemText)).toEqual([]);
    expect(healthProblems([health!], NO_OUTBOX, fiveDaysBefore).map(problemText)).toEqual([
      'imap: the credentials expire in 5 day(s)',
    ]);
    expect(
      healthProblems([health!], NO_OUTBOX, new Date(stored!.getTime() + 1)).map(problemText),
    ).toEqual(['imap: the credentials have expired']);
  });

  it('a refused refresh token fails with an actionable message and no server text', async () => {
    refuse = true;
    try {
      const client = createOAuth2Client({
        db: t.database.db,
        vault: t.vault,
        auth: oauthConfig('rt-configured'),
        now: () => new Date('2027-06-01T00:00:00Z'),
      });
      const error = await client.accessToken().then(
        () => null,
        (e: Error & { code?: string }) => e,
      );
      expect(error?.code).toBe('imap-oauth-invalid-grant');
      expect(error?.message).toMatch(/IMAP_OAUTH_REFRESH_TOKEN/);
      expect(error?.message).not.toMatch(/x@y\.kz/);
    } finally {
      refuse = false;
    }
  });

  it('a newly configured refresh token replaces the stored one', async () => {
    await createOAuth2Client({
      db: t.database.db,
      vault: t.vault,
      auth: oauthConfig('rt-reconsented'),
      now: () => new Date(),
    }).accessToken();
    expect(received.at(-1)).toBe('rt-reconsented');
  });

  it('records the token expiry in source_health even when the IMAP server refuses XOAUTH2', async () => {
    const dovecot = attachDovecot(inject('dovecot'));
    const account = await dovecot.addUser(uniqueUser('oauth'));
    const config = configFor(dovecot, account, {
      IMAP_AUTH: 'xoauth2',
      IMAP_PASSWORD: '',
      IMAP_OAUTH_TOKEN_URL: tokenUrl,
      IMAP_OAUTH_CLIENT_ID: 'senim-test',
      IMAP_OAUTH_REFRESH_TOKEN: 'rt-for-imap',
    });
    const error = await ingestOnce(depsFor(t, config)).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    // Our test Dovecot offers no XOAUTH2 (no oauth2 passdb): refused after a successful refresh.
    expect(error?.code).toBe('imap-auth-mechanism');
    expect(received.at(-1)).toBe('rt-for-imap');
    const [health] = await readHealth(t.database.db);
    expect(health?.lastError).toBe('imap-auth-mechanism');
    expect(health?.authExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
  });
});
