/**
 * PGlite serves one process (design: the embedded database): the data directory is owned by one
 * Senim process at a time, recorded in a lock file holding its pid and, once the owner serves the
 * database to other processes, the path of its Unix socket. A stale lock (its process is gone,
 * e.g. after kill -9) is taken over.
 *
 * Named locks (leadership for a mailbox poller or the scheduler) live beside it as pid files, so
 * that the owner and the commands it serves through its socket exclude each other: all of them
 * share one PostgreSQL backend there, where advisory locks are re-entrant and exclude nobody.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SenimError } from '../errors.js';

const LOCK_FILE = 'senim.lock';
const LOCKS_DIR = 'locks';

export interface DataDirLock {
  /** Records the socket this process serves the database on, for other Senim processes. */
  advertise(socketPath: string): void;
  release(): void;
}

/** The live process that owns a data directory, and its socket when it serves one. */
export interface DataDirOwner {
  pid: number;
  socket: string | null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Content: the pid on the first line, the socket path (if any) on the second. */
function readLock(file: string): DataDirOwner | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const [pidLine, socketLine] = text.split('\n');
  const pid = Number(pidLine?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, socket: null };
  return { pid, socket: socketLine?.trim() || null };
}

function liveOwner(owner: DataDirOwner | null): owner is DataDirOwner {
  return owner !== null && owner.pid > 0 && owner.pid !== process.pid && isAlive(owner.pid);
}

/** Takes the data directory, or tells which live process owns it. */
export function tryAcquireDataDirLock(dataDir: string): DataDirLock | DataDirOwner {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return {
        advertise(socketPath) {
          // Written aside and renamed, so a reader sees the old content or the new, never half.
          const next = `${file}.${process.pid}`;
          writeFileSync(next, `${process.pid}\n${socketPath}\n`, { mode: 0o600 });
          renameSync(next, file);
        },
        release: () => rmSync(file, { force: true }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readLock(file);
    if (liveOwner(owner)) return owner;
    rmSync(file, { force: true });
  }
  throw new SenimError('data-dir-busy', `Cannot take the lock on ${dataDir}`);
}

export function busyError(dataDir: string, owner: DataDirOwner): SenimError {
  return new SenimError(
    'data-dir-busy',
    `The embedded database in ${dataDir} is in use by another Senim process (pid ${owner.pid}) ` +
      'that does not share it (another command, or the daemon still starting). ' +
      'Wait for it to finish and try again, or set DATABASE_URL to share a PostgreSQL server.',
  );
}

/** For the daemon and tools that must own the directory themselves. */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const lock = tryAcquireDataDirLock(dataDir);
  if ('release' in lock) return lock;
  throw new SenimError(
    'data-dir-busy',
    `The embedded database in ${dataDir} is in use by another Senim process (pid ${lock.pid}). ` +
      'Stop it first (the daemon owns ./data while it runs), or set DATABASE_URL to share a PostgreSQL server.',
  );
}

/**
 * A named lock as a pid file in the data directory: null when a live process (this one included,
 * for another of its tasks) holds it.
 */
export function tryNamedLock(dataDir: string, name: string): (() => void) | null {
  const dir = path.join(dataDir, LOCKS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Hashed: a name may carry a mailbox address, which has no place in a file listing.
  const file = path.join(dir, createHash('sha256').update(name).digest('hex').slice(0, 32));
  const token = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, token, { flag: 'wx', mode: 0o600 });
      return () => {
        if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLock(file);
    if (holder && holder.pid > 0 && (holder.pid === process.pid || isAlive(holder.pid))) {
      return null;
    }
    rmSync(file, { force: true });
  }
  return null;
}
