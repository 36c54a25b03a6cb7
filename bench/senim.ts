/**
 * The Senim figure: the real CLI (`senim ingest --once`) as a child process over the benchmark
 * mailbox, into a fresh database (created beforehand by `senim migrate`, as PostgreSQL's is by
 * CREATE DATABASE: creating an embedded one is measured on its own). Throughput is taken from the
 * CLI's own log (the first "registering mail" line to the "ingest pass" line: the pass itself,
 * without start-up); peak RSS from /proc/<pid>/status VmHWM, sampled until the process exits.
 */
import { spawn } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type CliMode = 'dist' | 'tsx';

export interface IngestRun {
  /** messages handed to intake per second of the pass */
  msgPerSec: number;
  passSeconds: number;
  /** process start to exit (start-up, pass, delivery attempt) */
  wallSeconds: number;
  peakRssMb: number;
  /** CPU time of the whole child (all its threads), user + system, start to exit */
  cpuSeconds: number;
  outcomes: Record<string, number>;
}

export interface IngestEnv {
  imap: { host: string; port: number; user: string; password: string };
  /** PostgreSQL URL, or null for embedded PGlite in dataDir */
  databaseUrl: string | null;
  dataDir: string;
  encryptionKey: string;
}

/**
 * The command, its arguments and environment. Built, Senim runs as users run it: the `senim` bin,
 * whose shebang carries the settings the product ships with (its pid is node's: env execs it).
 * With extra node flags (profiling), node is started with the shebang's settings and the flags.
 * From source: node with tsx, plus any extra flags.
 */
function command(
  mode: CliMode,
  extraNodeArgs: string[],
): { file: string; args: string[]; env: Record<string, string> } {
  const bin = path.join(ROOT, 'bin/senim.js');
  if (mode === 'tsx') {
    return {
      file: process.execPath,
      args: [...extraNodeArgs, '--import', 'tsx', path.join(ROOT, 'src/cli.ts')],
      env: {},
    };
  }
  if (extraNodeArgs.length === 0) return { file: bin, args: [], env: {} };
  const { flags, env } = shebang(bin);
  return { file: process.execPath, args: [...flags, ...extraNodeArgs, bin], env };
}

/** `#!/usr/bin/env -S NAME=value … node --flag …`: the variables and the node flags. */
function shebang(bin: string): { flags: string[]; env: Record<string, string> } {
  const words = (readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '').split(/\s+/);
  const env = Object.fromEntries(
    words
      .filter((w) => /^[A-Z_]+=/.test(w))
      .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
  );
  return { flags: words.filter((w) => w.startsWith('--')), env };
}

function vmHwmKb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface LogLine {
  time?: number;
  msg?: string;
  level?: number;
  total?: number;
  [key: string]: unknown;
}

interface Measured {
  code: number | null;
  peakRssMb: number;
  cpuSeconds: number;
  wallSeconds: number;
}

/** Runs `senim <cliArgs>` with the benchmark's environment, stderr to logPath, measured. */
async function runMeasured(
  env: IngestEnv,
  mode: CliMode,
  extraNodeArgs: string[],
  cliArgs: string[],
  logPath: string,
): Promise<Measured> {
  const logFile = await open(logPath, 'w');
  const started = performance.now();
  const { file, args, env: launch } = command(mode, extraNodeArgs);
  const child = spawn(file, [...args, ...cliArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', logFile.fd],
    env: {
      ...launch,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      IMAP_HOST: env.imap.host,
      IMAP_PORT: String(env.imap.port),
      IMAP_USER: env.imap.user,
      IMAP_PASSWORD: env.imap.password,
      IMAP_TLS: 'false',
      SENIM_DATA_DIR: env.dataDir,
      SENIM_ENCRYPTION_KEY: env.encryptionKey,
      SENIM_LOG_LEVEL: 'info',
      ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
    },
  });
  let peakKb = 0;
  let cpuSeconds = 0;
  const sampler = setInterval(() => {
    const kb = vmHwmKb(child.pid!);
    if (kb !== null) peakKb = Math.max(peakKb, kb);
    const cpu = cpuSecondsOf(child.pid!);
    if (cpu !== null) cpuSeconds = Math.max(cpuSeconds, cpu);
  }, 25);
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  clearInterval(sampler);
  await logFile.close();
  const wallSeconds = (performance.now() - started) / 1000;
  return { code, peakRssMb: peakKb / 1024, cpuSeconds, wallSeconds };
}

/** `senim migrate` on a fresh database: for an embedded one, its creation (initdb) too. */
export async function createDatabase(
  env: IngestEnv,
  mode: CliMode,
  extraNodeArgs: string[] = [],
): Promise<{ peakRssMb: number; seconds: number }> {
  const logPath = `${env.dataDir}.migrate.log`;
  const run = await runMeasured(env, mode, extraNodeArgs, ['migrate'], logPath);
  const log = readFileSync(logPath, 'utf8');
  await rm(logPath, { force: true });
  if (run.code !== 0) throw new Error(`senim migrate exited with ${run.code}:\n${log}`);
  return { peakRssMb: run.peakRssMb, seconds: run.wallSeconds };
}

export async function runIngest(
  env: IngestEnv,
  mode: CliMode,
  extraNodeArgs: string[] = [],
): Promise<IngestRun> {
  // The log goes to a file, read after the exit: a pipe read by a busy parent would slow the
  // child's (synchronous) logging and so the figure.
  const logPath = `${env.dataDir}.log`;
  const { code, peakRssMb, cpuSeconds, wallSeconds } = await runMeasured(
    env,
    mode,
    extraNodeArgs,
    ['ingest', '--once'],
    logPath,
  );
  let passStart: number | null = null;
  let passEnd: number | null = null;
  const errors: string[] = [];
  const outcomes: Record<string, number> = {};
  const lines = createInterface({ input: createReadStream(logPath) });
  for await (const line of lines) {
    if (!line.startsWith('{')) {
      if (errors.length < 20) errors.push(line);
      continue;
    }
    // Only the few lines we need are parsed: 10,000 intake lines go by.
    if (
      !line.includes('"registering mail"') &&
      !line.includes('"ingest pass"') &&
      !line.includes('"level":5') &&
      !line.includes('"level":6') &&
      !line.includes('"level":4')
    )
      continue;
    const entry = JSON.parse(line) as LogLine;
    if (entry.msg === 'registering mail' && passStart === null) passStart = entry.time ?? null;
    if (entry.msg === 'ingest pass') {
      passEnd = entry.time ?? null;
      for (const kind of ['registered', 'attached', 'recorded', 'held', 'duplicate']) {
        if (typeof entry[kind] === 'number') outcomes[kind] = entry[kind];
      }
    }
    if ((entry.level ?? 0) >= 40 && errors.length < 20) errors.push(line);
  }
  await rm(logPath, { force: true });
  if (code !== 0) {
    throw new Error(`senim ingest --once exited with ${code}:\n${errors.join('\n')}`);
  }
  if (passStart === null || passEnd === null) {
    throw new Error('senim ingest --once did not log its pass (registering mail / ingest pass)');
  }
  const passSeconds = (passEnd - passStart) / 1000;
  return {
    msgPerSec: 0, // filled in by the caller, who knows N
    passSeconds,
    wallSeconds,
    peakRssMb,
    cpuSeconds,
    outcomes,
  };
}
