// A private, throw-away PostgreSQL server for tests and the benchmark: initdb into a temp dir,
// listen on 127.0.0.1 only, trust auth, durability off for speed.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST, chownTo, freePort, isRoot, lookupUser, run } from './index.js';

/** Plain data: safe to pass through vitest `provide`, enough to control the server from any process. */
export interface PostgresInfo {
  /** Superuser `postgres` on database `postgres`. */
  url: string;
  host: string;
  port: number;
  /** Temp dir holding the cluster, the socket and the log; removed by stop(). */
  dir: string;
  binDir: string;
  /** OS user the server runs as when we are root; undefined otherwise. */
  osUser: string | undefined;
}

export interface PostgresServer extends PostgresInfo {
  info: PostgresInfo;
  /** Fast shutdown then start again on the same port and data. */
  restart(): Promise<void>;
  /** Immediate shutdown and removal of the temp dir. */
  stop(): Promise<void>;
  /** Synchronous last resort for process exit handlers. */
  killNow(): void;
}

const SETTINGS = {
  listen_addresses: `'${HOST}'`,
  max_connections: '200',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  timezone: `'UTC'`,
  log_min_messages: 'warning',
};

export async function startPostgres(): Promise<PostgresServer> {
  const binDir = await findBinDir();
  const osUser = isRoot() ? 'postgres' : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'senim-pg-'));
  try {
    await chmod(dir, 0o700);
    if (osUser) await chownTo(dir, await lookupUser(osUser));
    const port = await freePort();
    const info: PostgresInfo = {
      url: `postgres://postgres@${HOST}:${port}/postgres`,
      host: HOST,
      port,
      dir,
      binDir,
      osUser,
    };
    await pgBin(info, 'initdb', [
      ...['-D', dataDir(info), '-U', 'postgres', '-A', 'trust'],
      ...['-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
    ]);
    const settings = { ...SETTINGS, port: String(port), unix_socket_directories: `'${dir}'` };
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
    await appendFile(join(dataDir(info), 'postgresql.conf'), `\n${lines.join('\n')}\n`);
    await pgCtlStart(info);
    return attachPostgres(info);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Controls a server started elsewhere (e.g. by the globalSetup process) from its info. */
export function attachPostgres(info: PostgresInfo): PostgresServer {
  return {
    ...info,
    info,
    async restart() {
      await pgBin(info, 'pg_ctl', ['stop', '-D', dataDir(info), '-m', 'fast', '-w']);
      await pgCtlStart(info);
    },
    async stop() {
      try {
        await pgBin(info, 'pg_ctl', ['stop', '-D', dataDir(info), '-m', 'immediate', '-w']);
      } finally {
        await rm(info.dir, { recursive: true, force: true });
      }
    },
    killNow() {
      const pidFile = join(dataDir(info), 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGQUIT');
      }
      rmSync(info.dir, { recursive: true, force: true });
    },
  };
}

function dataDir(info: PostgresInfo): string {
  return join(info.dir, 'data');
}

async function pgCtlStart(info: PostgresInfo): Promise<void> {
  const log = join(info.dir, 'postgres.log');
  try {
    await pgBin(info, 'pg_ctl', ['start', '-D', dataDir(info), '-l', log, '-w', '-t', '30']);
  } catch (error) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '(no log)';
    throw new Error(`PostgreSQL did not start; log tail:\n${tail}`, { cause: error });
  }
}

function pgBin(info: PostgresInfo, program: string, args: string[]): Promise<string> {
  return run(join(info.binDir, program), args, { asUser: info.osUser, env: { LC_ALL: 'C.UTF-8' } });
}

/** SENIM_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin (Debian keeps initdb off PATH). */
async function findBinDir(): Promise<string> {
  const fromEnv = process.env.SENIM_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? await readdir(root) : [];
  const newest = versions
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      `PostgreSQL server binaries not found under ${root}: install postgresql-15 or set SENIM_PG_BIN`,
    );
  }
  return join(root, newest, 'bin');
}
