/**
 * kill -9 of the ingesting process at random points of a 500-message backlog, restarted each
 * time, ends with exactly 500 entries and every message marked (design: no appeal is lost;
 * exactly one entry per appeal). The child is the real ingest code in a process of its own,
 * bundled once with esbuild so each restart costs a fraction of a second; the last run is the
 * real `senim ingest --once`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyJournal } from '../src/cases/journal.repository.js';
import { rows } from '../src/db/database.js';
import { postgresEngine, TEST_KEY, type TestDatabase } from './helpers/engines.js';
import { deliverMany, withImap } from './helpers/mailbox.js';
import { attachDovecot, type MailUser } from './services/dovecot.js';
import { freePort } from './services/index.js';

const ROOT = join(import.meta.dirname, '..');
const MESSAGES = 500;
const KILLS = 20;

function appeal(n: number): Buffer {
  return Buffer.from(
    [
      `From: Appellant ${n} <person${n}@example.kz>`,
      'To: ombudsman@ales.kz',
      `Subject: Appeal ${n}`,
      'Date: Mon, 02 Nov 2026 10:00:00 +0500',
      `Message-ID: <crash.${n}.${randomBytes(4).toString('hex')}@example.kz>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `The foreman at CHP-2 demands money for access to work. Case ${n}.`,
      '',
    ].join('\r\n'),
  );
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** When to kill the child once it is ready: after a delay, or once `when` holds (then a little later). */
interface KillPlan {
  afterMs?: number;
  when?: () => Promise<boolean>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, kill?: KillPlan) {
  return new Promise<Run>((resolve) => {
    const child: ChildProcess = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = false;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const killSoon = () => {
      // a random few milliseconds more: inside a transaction, between commit and mark, or marking
      if (!done) timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
    };
    const watch = async (when: () => Promise<boolean>) => {
      while (!done && !(await when())) await new Promise((r) => setTimeout(r, 10));
      killSoon();
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (kill && !armed && stdout.includes('ready')) {
        armed = true;
        if (kill.when) void watch(kill.when);
        else timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs ?? 0);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code, signal) => {
      done = true;
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('kill -9 during a 500-message ingest', () => {
  const dovecot = attachDovecot(inject('dovecot'));
  let t: TestDatabase;
  let account: MailUser;
  let dataDir: string;
  let child: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'senim-crash-'));
    // two levels below the root, like dist/<folder>/: the code finds templates, config and
    // migrations at ../../ from its own file
    child = join(ROOT, '.tmp', 'crash', `ingest-once.child.${process.pid}.mjs`);
    [t, account] = await Promise.all([
      postgresEngine.open(),
      dovecot.addUser(`crash-${randomBytes(4).toString('hex')}`),
      build({
        entryPoints: [join(ROOT, 'test/helpers/ingest-once.child.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        // inside the repository, so that the bundle resolves node_modules
        outfile: child,
        logLevel: 'warning',
      }).then(() => undefined),
    ]);
    await deliverMany(
      account.maildir,
      Array.from({ length: MESSAGES }, (_, i) => ({
        raw: appeal(i),
        // a third were read by another client first
        flags: i % 3 === 0 ? ['\\Seen'] : undefined,
        internalDate: new Date(Date.UTC(2026, 10, 1) + i * 60_000),
      })),
    );
    env = {
      DATABASE_URL: t.url!,
      SENIM_ENCRYPTION_KEY: TEST_KEY.toString('base64'),
      SENIM_DATA_DIR: dataDir,
      IMAP_HOST: dovecot.host,
      IMAP_PORT: String(dovecot.port),
      IMAP_USER: account.user,
      IMAP_PASSWORD: account.password,
      IMAP_TLS: 'false',
      SENIM_LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await t?.dispose();
    await rm(dataDir, { recursive: true, force: true });
    await rm(child, { force: true });
  });

  async function count(query: ReturnType<typeof sql>): Promise<number> {
    const [row] = await rows<{ n: string | number }>(t.database.db, query);
    return Number(row?.n ?? 0);
  }

  it('ends with exactly one entry per message, every message marked, \\Seen untouched', async () => {
    const progress: number[] = [];
    let before = 0;
    for (let i = 0; i < KILLS; i++) {
      // Every fifth kill at a random moment of start-up (connect, search, first fetch); the others
      // once a random share of the remaining backlog has committed, so the kills spread over the
      // whole ingest whatever the machine's speed.
      const share = Math.max(1, Math.floor((MESSAGES - before) / (KILLS - i)));
      const target = Math.min(MESSAGES - 1, before + 1 + Math.floor(Math.random() * 2 * share));
      const plan: KillPlan =
        i % 5 === 0
          ? { afterMs: Math.floor(Math.random() * 300) }
          : { when: async () => (await count(sql`select count(*) as n from messages`)) >= target };
      const result = await run('node', [child], env, plan);
      expect(result.signal === 'SIGKILL' || result.code === 0).toBe(true);
      const now = await count(sql`select count(*) as n from messages`);
      progress.push(now);
      before = now;
    }
    // The kills landed while work was in progress, not only before or after it.
    expect(progress.filter((n) => n > 0 && n < MESSAGES).length).toBeGreaterThan(3);

    // The last run is the real command.
    const last = await run('node', ['--import', 'tsx', 'src/cli.ts', 'ingest', '--once'], env);
    expect(last.stderr).toMatch(/Ingest: \d+ registered/);
    expect(last.code).toBe(0);

    expect(await count(sql`select count(*) as n from messages`)).toBe(MESSAGES);
    expect(await count(sql`select count(distinct raw_sha256) as n from messages`)).toBe(MESSAGES);
    expect(await count(sql`select count(distinct uid) as n from messages`)).toBe(MESSAGES);
    expect(await count(sql`select count(*) as n from entries`)).toBe(MESSAGES);
    expect((await verifyJournal(t.database.db)).ok).toBe(true);

    const all = await withImap(dovecot, account, (client) =>
      client.fetchAll('1:*', { uid: true, flags: true }),
    );
    expect(all).toHaveLength(MESSAGES);
    expect(all.filter((m) => m.flags?.has('$SenimRegistered'))).toHaveLength(MESSAGES);
    // UIDs follow delivery order: every third was \Seen before, and only those are now.
    for (const m of all) expect(m.flags?.has('\\Seen')).toBe((m.uid - 1) % 3 === 0);
    console.info(`crash test: messages after each kill: ${progress.join(' ')}`);
  }, 120_000);

  it('senim ingest --once exits 2 with no mailbox configured, 1 when the mailbox or database cannot be used', async () => {
    const closedPort = String(await freePort());
    const cli = ['--import', 'tsx', 'src/cli.ts', 'ingest', '--once'];
    const base = { SENIM_DATA_DIR: dataDir, SENIM_ENCRYPTION_KEY: env.SENIM_ENCRYPTION_KEY };
    const [noMailbox, noImap, noDatabase] = await Promise.all([
      run('node', cli, { ...base, DATABASE_URL: env.DATABASE_URL }),
      run('node', cli, { ...env, IMAP_PORT: closedPort }),
      run('node', cli, {
        ...env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/none`,
      }),
    ]);
    expect(noMailbox.code).toBe(2);
    expect(noMailbox.stderr).toMatch(/IMAP_HOST, IMAP_USER and IMAP_PASSWORD/);
    expect(noImap.code).toBe(1);
    expect(noImap.stderr).toMatch(/Cannot connect to the IMAP server/);
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toMatch(/PostgreSQL/);
    // Neither failure printed the account or the password.
    for (const r of [noImap, noDatabase]) {
      expect(r.stderr).not.toContain(account.user);
      expect(r.stderr).not.toContain(account.password);
    }
  });
});
