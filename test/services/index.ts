// Plumbing shared by the private test services (postgres.ts, dovecot.ts), and the coordinates the
// vitest globalSetup hands to every test file through `inject('postgres')` / `inject('dovecot')`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chown } from 'node:fs/promises';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import type { DovecotInfo } from './dovecot.js';
import type { PostgresInfo } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresInfo;
    dovecot: DovecotInfo;
  }
}

export const HOST = '127.0.0.1';

const execFileAsync = promisify(execFile);

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  group: string;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Runs a program and fails with its stderr in the message, so setup errors are readable. */
export async function run(
  file: string,
  args: string[],
  options: { asUser?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const [cmd, argv] = options.asUser
    ? ['runuser', ['-u', options.asUser, '--', file, ...args]]
    : [file, args];
  try {
    const { stdout } = await execFileAsync(cmd, argv, {
      env: { ...process.env, ...options.env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${[file, ...args].join(' ')} failed${stderr ? `: ${stderr}` : ''}`, {
      cause: error,
    });
  }
}

export async function lookupUser(name: string): Promise<OsUser> {
  const [uid, gid, group] = await Promise.all(
    ['-u', '-g', '-gn'].map((flag) => run('id', [flag, name])),
  );
  return { name, uid: Number(uid?.trim()), gid: Number(gid?.trim()), group: String(group?.trim()) };
}

export async function currentUser(): Promise<OsUser> {
  const name = (await run('id', ['-un'])).trim();
  return lookupUser(name);
}

export async function chownTo(path: string, user: OsUser): Promise<void> {
  if (isRoot()) await chown(path, user.uid, user.gid);
}

/** Asks the kernel for a free loopback port. Racy in theory; fine for a test machine. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not obtain a free port'));
      });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns true or `timeoutMs` passes. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** True while `pid` runs. A zombie counts as gone: in a container nobody may reap it soon. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat is "pid (comm) state ...".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}
