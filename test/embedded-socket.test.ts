import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerPhoneAppeal } from '../src/cases/phone.usecases.js';
import { parseConfig } from '../src/config.js';
import { startDaemon, type Daemon } from '../src/daemon.js';
import { runCli, type CliResult } from './helpers/cli.js';

const KEY = Buffer.alloc(32, 5).toString('base64');

function envFor(dataDir: string): Record<string, string> {
  return {
    SENIM_DATA_DIR: dataDir,
    SENIM_ENCRYPTION_KEY: KEY,
    SENIM_LOG_LEVEL: 'silent',
    SMTP_LISTEN: '127.0.0.1:0',
  };
}

function numbersOf(result: CliResult): number[] {
  expect(result.stderr).not.toMatch(/in use|does not answer/);
  expect(result.code).toBe(0);
  return [Number(result.stdout.trim())];
}

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const registration = (app: Daemon['app']) => ({
  vault: app.vault,
  calendar: app.calendar,
  dueWorkingDays: app.config.dueWorkingDays,
  now: app.now,
});

/** The pids in the data directory's named lock files (leadership: scheduler, mailbox). */
function lockHolders(dataDir: string): number[] {
  const dir = path.join(dataDir, 'locks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => Number(readFileSync(path.join(dir, f), 'utf8').trim()));
}

const advertisesSocket = (dataDir: string) => () =>
  existsSync(path.join(dataDir, 'senim.lock')) &&
  readFileSync(path.join(dataDir, 'senim.lock'), 'utf8').includes('senim.sock');

describe('the embedded database shared by the daemon with the commands run beside it', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'senim-sock-'));
  const env = envFor(dataDir);
  const senim = (...args: string[]) => runCli(args, env);
  let child: ChildProcess | null = null;
  let daemon: Daemon | null = null;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await daemon?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves `senim start`’s database on an owner-only Unix socket, and a command registers through it', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: 'ignore',
    });
    await waitFor(advertisesSocket(dataDir), 'the daemon to serve its socket');
    const socket = statSync(path.join(dataDir, 'senim.sock'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const phone = await senim('phone', '--content', 'Мастер требует деньги за подключение');
    expect(numbersOf(phone)).toEqual([1]);
    await waitFor(() => lockHolders(dataDir).includes(child!.pid!), 'the scheduler lock');
  });

  it('after the daemon is killed with -9, the next command opens the directory itself, and the next daemon replaces the stale socket', async () => {
    const pid = child!.pid!;
    child!.kill('SIGKILL');
    await waitFor(() => child!.exitCode !== null || child!.signalCode !== null, 'the kill');
    child = null;
    expect(readFileSync(path.join(dataDir, 'senim.lock'), 'utf8')).toContain(String(pid));

    const verify = await senim('journal', 'verify');
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toContain('Journal intact: 1 entries');
    expect(existsSync(path.join(dataDir, 'senim.sock'))).toBe(true); // left by the killed daemon

    // The killed daemon led the schedules: its lock file is left, and the next daemon takes it over.
    expect(lockHolders(dataDir)).toContain(pid);
    daemon = await startDaemon(parseConfig(env));
    expect(advertisesSocket(dataDir)()).toBe(true);
    await waitFor(() => lockHolders(dataDir).includes(process.pid), 'the scheduler lock');
    expect(lockHolders(dataDir)).not.toContain(pid);
    expect(await daemon.app.database.tryLock('scheduler')).toBeNull();
  });

  it('commands see each other’s writes and the daemon’s: phone, triage, case show, journal export', async () => {
    const two = await senim('phone', '--content', 'Счёт за электроэнергию завышен', '--anonymous');
    expect(numbersOf(two)).toEqual([2]);
    const three = await registerPhoneAppeal(daemon!.app.database.db, registration(daemon!.app), {
      content: 'Anonymous call about a hidden accident at the plant',
      anonymous: true,
    });
    expect(three.number).toBe(3);

    const [triage, shown] = await Promise.all([
      senim('triage', '2', '--in', 'fraud'),
      senim('case', 'show', '3'),
    ]);
    expect(triage).toMatchObject({ code: 0, stdout: '2\n' });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('hidden accident');

    const json = await senim('journal', 'export', '--format', 'json');
    const exported = JSON.parse(json.stdout) as { number: number; scope: string | null }[];
    expect(exported.map((e) => e.number)).toEqual([1, 2, 3]);
    expect(exported[1]).toMatchObject({ scope: 'in', category: 'fraud' });
  });

  it('two commands and the daemon itself register at once: all succeed, the numbering stays gap-free', async () => {
    const app = daemon!.app;
    const results = await Promise.all([
      senim('phone', '--content', 'Контролёр берёт наличные', '--anonymous'),
      senim('phone', '--content', 'Отключили свет без предупреждения', '--anonymous'),
      ...[1, 2, 3].map(async (i) => {
        // Spread over the commands' run, so the daemon's transactions meet theirs.
        await new Promise((r) => setTimeout(r, 300 * i));
        const appeal = await registerPhoneAppeal(app.database.db, registration(app), {
          content: `Daemon-side appeal ${i} about a broken meter`,
          anonymous: true,
        });
        return appeal.number;
      }),
    ]);
    const numbers = results.flatMap((r) => (typeof r === 'number' ? [r] : numbersOf(r)));
    expect(numbers.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8]);
  });

  it('refuses a second daemon on the same directory', async () => {
    const second = await senim('start');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another Senim process (pid ${process.pid})`);
  });

  it('with the daemon stopped, a command opens the directory directly again, the journal intact', async () => {
    await daemon!.stop();
    daemon = null;
    expect(existsSync(path.join(dataDir, 'senim.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'senim.sock'))).toBe(false);
    const verify = await senim('journal', 'verify');
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toContain('Journal intact: 8 entries');
  });

  it('stops with a clear message when the owner serves no socket, or its socket does not answer', async () => {
    const quiet = mkdtempSync(path.join(tmpdir(), 'senim-sock-'));
    const stale = mkdtempSync(path.join(tmpdir(), 'senim-sock-'));
    // This test process is alive and is neither a Senim command nor a daemon: a live owner.
    writeFileSync(path.join(quiet, 'senim.lock'), `${process.pid}\n`);
    writeFileSync(
      path.join(stale, 'senim.lock'),
      `${process.pid}\n${path.join(stale, 'senim.sock')}\n`,
    );
    const [busy, silent] = await Promise.all([
      runCli(['journal', 'verify'], envFor(quiet)),
      runCli(['journal', 'verify'], envFor(stale)),
    ]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`in use by another Senim process (pid ${process.pid})`);
    expect(silent.code).toBe(1);
    expect(silent.stderr).toContain('does not answer on its socket');
    expect(silent.stderr).toContain(`kill ${process.pid}`);
    for (const dir of [quiet, stale]) rmSync(dir, { recursive: true, force: true });
  });
});
