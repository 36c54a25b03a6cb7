/**
 * `senim status` (contract: Commands): exit 0 healthy, 1 otherwise — the last poll failed after the
 * last success, the credentials expire within 7 days, or outgoing mail failed permanently.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema.js';
import {
  healthProblems,
  readHealth,
  readOutboxCounts,
  recordAuthExpiry,
  recordFailure,
  recordSuccess,
  type OutboxCounts,
  type SourceHealth,
} from '../src/ingest/health.repository.js';
import { problemText } from '../src/cli/status.commands.js';
import { postgresEngine, TEST_KEY, type TestDatabase } from './helpers/engines.js';

const ROOT = join(import.meta.dirname, '..');
const DAY = 86_400_000;
const NOW = new Date('2026-11-25T12:00:00Z');
const NO_OUTBOX: OutboxCounts = { queued: 0, failed: 0, held: 0, sent: 0 };

function source(overrides: Partial<SourceHealth>): SourceHealth {
  return {
    source: 'imap',
    lastPollAt: null,
    lastSuccessAt: null,
    lastError: null,
    lastErrorAt: null,
    authExpiresAt: null,
    details: {},
    ...overrides,
  };
}

function status(env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn('node', ['--import', 'tsx', 'src/cli.ts', 'status'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('what makes ingest unhealthy', () => {
  const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

  it('a last error more recent than the last success', () => {
    const failing = source({
      lastSuccessAt: ago(0.9),
      lastErrorAt: ago(0.5),
      lastError: 'imap-auth',
    });
    expect(healthProblems([failing], NO_OUTBOX, NOW).map(problemText)).toEqual([
      'imap: the last poll failed (imap-auth)',
    ]);
    const recovered = source({
      lastSuccessAt: ago(1),
      lastErrorAt: ago(2),
      lastError: 'imap-auth',
    });
    expect(healthProblems([recovered], NO_OUTBOX, NOW).map(problemText)).toEqual([]);
    expect(
      healthProblems([source({ lastErrorAt: ago(1) })], NO_OUTBOX, NOW).map(problemText),
    ).toHaveLength(1);
  });

  it('no successful poll for more than a day, though nothing failed (a daemon that died)', () => {
    expect(
      healthProblems([source({ lastSuccessAt: ago(1.5) })], NO_OUTBOX, NOW).map(problemText),
    ).toEqual(['imap: no successful poll for more than a day (is the daemon running?)']);
    expect(healthProblems([source({ lastSuccessAt: ago(0.9) })], NO_OUTBOX, NOW)).toEqual([]);
  });

  it('credentials that expire within 7 days, or have expired', () => {
    const soon = source({
      lastSuccessAt: ago(0),
      authExpiresAt: new Date(NOW.getTime() + 3 * DAY),
    });
    expect(healthProblems([soon], NO_OUTBOX, NOW).map(problemText)).toEqual([
      'imap: the credentials expire in 3 day(s)',
    ]);
    const later = source({ authExpiresAt: new Date(NOW.getTime() + 30 * DAY) });
    expect(healthProblems([later], NO_OUTBOX, NOW).map(problemText)).toEqual([]);
    const expired = source({ authExpiresAt: ago(1) });
    expect(healthProblems([expired], NO_OUTBOX, NOW).map(problemText)).toEqual([
      'imap: the credentials have expired',
    ]);
  });

  it('outgoing mail that failed permanently', () => {
    expect(healthProblems([], { ...NO_OUTBOX, failed: 2 }, NOW).map(problemText)).toEqual([
      'outbox: 2 mail(s) failed permanently',
    ]);
    expect(healthProblems([], { ...NO_OUTBOX, queued: 9, held: 1 }, NOW).map(problemText)).toEqual(
      [],
    );
  });
});

describe('senim status', () => {
  let t: TestDatabase;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    [t, dataDir] = await Promise.all([
      postgresEngine.open(),
      mkdtemp(join(tmpdir(), 'senim-status-')),
    ]);
    env = {
      DATABASE_URL: t.url!,
      SENIM_ENCRYPTION_KEY: TEST_KEY.toString('base64'),
      SENIM_DATA_DIR: dataDir,
    };
  });
  afterAll(async () => {
    await t?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 0 when the last poll succeeded and nothing failed', async () => {
    const now = new Date();
    await recordFailure(t.database.db, 'imap', new Date(now.getTime() - 60_000), 'imap-ECONNRESET');
    await recordSuccess(t.database.db, 'imap', now, { mailbox: 'INBOX' });
    await recordAuthExpiry(t.database.db, 'imap', new Date(now.getTime() + 60 * DAY), now);
    const result = await status(env);
    expect(result.stdout).toMatch(/imap: last successful poll \d{4}-\d\d-\d\dT/);
    expect(result.stdout).toMatch(/credentials expire .* \(in 59 days\)/);
    expect(result.stdout).toMatch(/Healthy\./);
    expect(result.code).toBe(0);
    // the same, with no mail source at all: nothing can arrive
    const deaf = await status({ ...env, SMTP_LISTEN: 'off' });
    expect(deaf.stdout).toMatch(/no mail source: set IMAP_HOST/);
    expect(deaf.code).toBe(1);
  });

  it('exits 1 when the last poll failed or outgoing mail failed, and says why', async () => {
    await recordFailure(t.database.db, 'imap', new Date(), 'imap-auth');
    await t.database.db.insert(outbox).values({
      dedupeKey: 'ack:1',
      kind: 'ack',
      messageId: '<ack-1@senim.test>',
      automatic: true,
      mail: Buffer.from('sealed'),
      keyId: 0,
      status: 'failed',
      nextAttemptAt: new Date(),
      createdAt: new Date(),
    });
    expect(await readOutboxCounts(t.database.db)).toEqual({
      queued: 0,
      failed: 1,
      held: 0,
      sent: 0,
    });
    const [health] = await readHealth(t.database.db);
    expect(health?.lastError).toBe('imap-auth');
    const result = await status(env);
    expect(result.stdout).toMatch(/NOT healthy/);
    expect(result.stdout).toMatch(/the last poll failed \(imap-auth\)/);
    expect(result.stdout).toMatch(/outbox: 1 mail\(s\) failed permanently/);
    expect(result.code).toBe(1);
  });
});
