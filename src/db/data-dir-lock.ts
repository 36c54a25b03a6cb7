/**
 * PGlite serves one process (design: the embedded database): the data directory is owned by one
 * Senim process at a time, recorded in a lock file holding its pid. A stale lock (its process is
 * gone, e.g. after kill -9) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SenimError } from '../errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dataDir: string): () => void {
  const file = path.join(dataDir, 'senim.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new SenimError(
        'data-dir-busy',
        `The embedded database in ${dataDir} is in use by another Senim process (pid ${pid}). ` +
          'Stop it first (the daemon owns ./data while it runs), or set DATABASE_URL to share a PostgreSQL server.',
      );
    }
    rmSync(file, { force: true });
  }
  throw new SenimError('data-dir-busy', `Cannot take the lock on ${dataDir}`);
}
