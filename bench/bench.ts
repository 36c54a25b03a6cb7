/**
 * The benchmark (`npm run bench`): ingest throughput and memory against the machine's own limits.
 * For each corpus size: deliver a generated backlog into a private Dovecot, measure the limits
 * (imapflow fetch, simpleParser), then run the real `senim ingest --once` into PostgreSQL and
 * PGlite; then the outbox and the Chairman's report. Every figure is the median of `runs`.
 * The smoke test (test/bench.smoke.test.ts) runs this same code with N = 50 and one run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPglite, openPostgres, rows, type Database } from '../src/db/database.js';
import { Vault } from '../src/db/vault.js';
import { deliverMany } from '../test/helpers/mailbox.js';
import { attachDovecot, startDovecot, type DovecotInfo } from '../test/services/dovecot.js';
import { attachPostgres, startPostgres, type PostgresInfo } from '../test/services/postgres.js';
import { generateCorpus, summarize, type CorpusSummary } from './corpus.js';
import { fetchLimit, parseLimit, withInbox, type ImapAccount } from './limits.js';
import { outboxRun, startSink } from './outbox.js';
import { openJournal, reportMonth, timeReport } from './report.js';
import { createDatabase, runIngest, type CliMode, type IngestRun } from './senim.js';

export type EngineName = 'postgres' | 'pglite';

export interface BenchOptions {
  sizes: number[];
  runs: number;
  engines: EngineName[];
  cli: CliMode;
  /** acknowledgements delivered in the outbox figure (0: skipped) */
  outbox: number;
  /** journal size for the Chairman's report figure (0: skipped) */
  reportEntries: number;
  hugeAttachmentBytes: number;
  /** services already running (the smoke test's); otherwise the bench starts its own */
  services?: { postgres: PostgresInfo; dovecot: DovecotInfo };
  /** extra node flags for the Senim child (e.g. --cpu-prof) */
  nodeArgs?: string[];
  log: (line: string) => void;
}

export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export interface SenimFigures {
  msgPerSec: Figure;
  /** ratio of the median to the limits' medians */
  ratioToParse: number;
  ratioToFetch: number;
  peakRssMb: Figure;
  passSeconds: Figure;
  wallSeconds: Figure;
  /** `senim migrate` on the fresh database, before the pass (embedded: creating it, initdb) */
  createPeakRssMb: Figure;
  /** entries and messages in the database after each run (all runs must agree) */
  registered: number;
  messages: number;
}

export interface SizeResults {
  n: number;
  corpus: CorpusSummary;
  fetch: { msgPerSec: Figure; mbPerSec: Figure };
  parse: { msgPerSec: Figure };
  senim: Partial<Record<EngineName, SenimFigures>>;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpus: number; node: string; loadAverage: number[] };
  options: Omit<BenchOptions, 'log' | 'services'>;
  sizes: SizeResults[];
  /** peak RSS growth from the smallest to the largest size, per engine (0.1 = 10%) */
  rssGrowth: Partial<Record<EngineName, number>>;
  outbox: { messages: number; msgPerSec: Figure } | null;
  report: { entries: number; month: string; seconds: Figure } | null;
}

export function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: values };
}

const KEYWORD = '$SenimRegistered';
const DAY_MS = 86_400_000;

async function repeat<T>(runs: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn(i));
  return out;
}

async function freshPgDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropPgDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

async function counts(database: Database): Promise<{ entries: number; messages: number }> {
  const [row] = await rows<{ entries: number; messages: number }>(
    database.db,
    sql`select (select count(*) from entries)::int as entries,
               (select count(*) from messages)::int as messages`,
  );
  return { entries: Number(row!.entries), messages: Number(row!.messages) };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { log } = options;
  const own = !options.services;
  log(own ? 'starting PostgreSQL and Dovecot…' : 'using the running PostgreSQL and Dovecot');
  const [pg, dovecot] = options.services
    ? [attachPostgres(options.services.postgres), attachDovecot(options.services.dovecot)]
    : await Promise.all([startPostgres(), startDovecot()]);
  const work = await mkdtemp(path.join(tmpdir(), 'senim-bench-'));
  const key = randomBytes(32);
  const vault = new Vault(key);
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
      loadAverage: (await import('node:os')).loadavg(),
    },
    options: {
      sizes: options.sizes,
      runs: options.runs,
      engines: options.engines,
      cli: options.cli,
      outbox: options.outbox,
      reportEntries: options.reportEntries,
      hugeAttachmentBytes: options.hugeAttachmentBytes,
      nodeArgs: options.nodeArgs,
    },
    sizes: [],
    rssGrowth: {},
    outbox: null,
    report: null,
  };
  try {
    for (const n of options.sizes) {
      results.sizes.push(await benchSize(n));
    }
    for (const engine of options.engines) {
      const first = results.sizes[0]?.senim[engine]?.peakRssMb.median;
      const last = results.sizes.at(-1)?.senim[engine]?.peakRssMb.median;
      if (first && last && results.sizes.length > 1) results.rssGrowth[engine] = last / first - 1;
    }
    if (options.outbox > 0) {
      log(`outbox: ${options.outbox} acknowledgements to an SMTP sink…`);
      const sink = await startSink();
      try {
        const runs = await repeat(options.runs, async (run) => {
          const name = `bench_outbox_${tag}_${run}`;
          const url = await freshPgDatabase(pg.url, name);
          try {
            return await outboxRun(url, vault, sink, options.outbox, work);
          } finally {
            await dropPgDatabase(pg.url, name);
          }
        });
        results.outbox = {
          messages: options.outbox,
          msgPerSec: figure(runs.map((r) => r.msgPerSec)),
        };
      } finally {
        await sink.close();
      }
    }
    if (options.reportEntries > 0) {
      log(`Chairman's report: generating a journal of ${options.reportEntries} entries…`);
      const name = `bench_report_${tag}`;
      const url = await freshPgDatabase(pg.url, name);
      const database = await openJournal(url, options.reportEntries);
      try {
        const month = reportMonth(options.reportEntries);
        const seconds = await repeat(options.runs, () => timeReport(database, vault, month));
        results.report = { entries: options.reportEntries, month, seconds: figure(seconds) };
      } finally {
        await database.close();
        await dropPgDatabase(pg.url, name);
      }
    }
    return results;
  } finally {
    await rm(work, { recursive: true, force: true });
    if (own) await Promise.allSettled([pg.stop(), dovecot.stop()]);
  }

  async function benchSize(n: number): Promise<SizeResults> {
    const user = `bench${n}_${tag}`.replace(/[^\w]/g, '_');
    const mailUser = await dovecot.addUser(user, 'bench');
    const account: ImapAccount = {
      host: dovecot.host,
      port: dovecot.port,
      user,
      password: 'bench',
    };
    const corpusOptions = {
      count: n,
      hugeAttachmentBytes: options.hugeAttachmentBytes,
      // older than the answer age (14 days): a backlog is registered, never answered
      olderThan: new Date(Date.now() - 30 * DAY_MS),
    };
    log(`N=${n}: generating and delivering the corpus…`);
    let bytes = 0;
    const corpus = generateCorpus(corpusOptions);
    await deliverMany(
      mailUser.maildir,
      (function* () {
        for (const m of corpus) {
          bytes += m.raw.length;
          yield { raw: m.raw, internalDate: m.internalDate, flags: [] };
        }
      })(),
      { parallel: 8 },
    );
    const summary: CorpusSummary = { ...summarize(corpusOptions), bytes };
    log(
      `N=${n}: ${summary.count} messages (${summary.appeals} appeals, ${summary.withAttachment} with attachments), ${(bytes / 1e6).toFixed(0)} MB`,
    );
    // Dovecot indexes a new Maildir on first access: not part of any figure.
    await withInbox(account, async (c) => {
      await c.search({ all: true }, { uid: true });
    });

    const fetches = await repeat(options.runs, async () => {
      const r = await fetchLimit(account);
      if (r.messages !== n) throw new Error(`fetched ${r.messages} of ${n} messages`);
      return r;
    });
    log(`N=${n}: imapflow fetch ${fetches.map((f) => f.msgPerSec.toFixed(0)).join(' / ')} msg/s`);
    const parses = await repeat(options.runs, () => parseLimit(mailUser.maildir));
    log(
      `N=${n}: simpleParser ${parses.map((p) => p.msgPerSec.toFixed(0)).join(' / ')} msg/s, CPU ${parses.map((p) => p.cpuMsPerMsg.toFixed(2)).join(' / ')} ms/msg`,
    );
    const fetch = {
      msgPerSec: figure(fetches.map((f) => f.msgPerSec)),
      mbPerSec: figure(fetches.map((f) => f.mbPerSec)),
    };
    const parse = { msgPerSec: figure(parses.map((p) => p.msgPerSec)) };

    const senim: SizeResults['senim'] = {};
    for (const engine of options.engines) {
      let registered = -1;
      let messages = -1;
      const creations: number[] = [];
      const runs: IngestRun[] = await repeat(options.runs, async (run) => {
        // every run starts from an unmarked mailbox and an empty database
        await withInbox(account, (c) =>
          c.messageFlagsRemove('1:*', [KEYWORD], { uid: true, silent: true }),
        );
        const dataDir = path.join(work, `senim-${engine}-${n}-${run}`);
        const dbName = `bench_${tag}_${n}_${run}`;
        const url = engine === 'postgres' ? await freshPgDatabase(pg.url, dbName) : null;
        try {
          const env = {
            imap: account,
            databaseUrl: url,
            dataDir,
            encryptionKey: key.toString('base64'),
          };
          const created = await createDatabase(env, options.cli, options.nodeArgs ?? []);
          creations.push(created.peakRssMb);
          const result = await runIngest(env, options.cli, options.nodeArgs ?? []);
          result.msgPerSec = n / result.passSeconds;
          const database = url ? await openPostgres(url, { max: 1 }) : await openPglite(dataDir);
          try {
            const c = await counts(database);
            if (
              (registered >= 0 && c.entries !== registered) ||
              (messages >= 0 && c.messages !== messages)
            ) {
              throw new Error(`runs disagree: ${c.entries} entries, ${c.messages} messages`);
            }
            registered = c.entries;
            messages = c.messages;
          } finally {
            await database.close();
          }
          log(
            `N=${n} ${engine} run ${run + 1}: ${result.msgPerSec.toFixed(0)} msg/s, pass ${result.passSeconds.toFixed(1)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB, CPU ${((result.cpuSeconds * 1000) / n).toFixed(2)} ms/msg (whole process, all threads), ${registered} entries`,
          );
          return result;
        } finally {
          if (url) await dropPgDatabase(pg.url, dbName);
          await rm(dataDir, { recursive: true, force: true });
        }
      });
      const msgPerSec = figure(runs.map((r) => r.msgPerSec));
      senim[engine] = {
        msgPerSec,
        ratioToParse: msgPerSec.median / parse.msgPerSec.median,
        ratioToFetch: msgPerSec.median / fetch.msgPerSec.median,
        peakRssMb: figure(runs.map((r) => r.peakRssMb)),
        passSeconds: figure(runs.map((r) => r.passSeconds)),
        wallSeconds: figure(runs.map((r) => r.wallSeconds)),
        createPeakRssMb: figure(creations),
        registered,
        messages,
      };
    }
    return { n, corpus: summary, fetch, parse, senim };
  }
}

// ------------------------------------------------------------------------------ the table

const TARGETS = {
  ratioToParse: 0.75,
  peakRssMb: 250,
  rssGrowth: 0.2,
  reportSeconds: 1,
};

function cell(f: Figure, digits = 0): string {
  return `${f.median.toFixed(digits)} (${f.min.toFixed(digits)}–${f.max.toFixed(digits)})`;
}

export function formatTable(r: BenchResults): string {
  const lines: string[] = [];
  const row = (...cols: string[]) =>
    lines.push(cols.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(26))).join(''));
  row('figure: median (min–max)', ...r.sizes.map((s) => `N = ${s.n}`));
  row(
    'corpus MB / appeals',
    ...r.sizes.map((s) => `${(s.corpus.bytes / 1e6).toFixed(0)} / ${s.corpus.appeals}`),
  );
  row('limit: imapflow fetch, msg/s', ...r.sizes.map((s) => cell(s.fetch.msgPerSec)));
  row('limit: imapflow fetch, MB/s', ...r.sizes.map((s) => cell(s.fetch.mbPerSec, 1)));
  row('limit: simpleParser 1 thread, msg/s', ...r.sizes.map((s) => cell(s.parse.msgPerSec)));
  for (const engine of r.options.engines) {
    row(
      `senim ingest → ${engine}, msg/s`,
      ...r.sizes.map((s) => (s.senim[engine] ? cell(s.senim[engine].msgPerSec) : '-')),
    );
    row(
      `  ratio to simpleParser (target ≥ ${TARGETS.ratioToParse})`,
      ...r.sizes.map((s) => (s.senim[engine] ? s.senim[engine].ratioToParse.toFixed(2) : '-')),
    );
    row(
      '  ratio to imapflow fetch',
      ...r.sizes.map((s) => (s.senim[engine] ? s.senim[engine].ratioToFetch.toFixed(3) : '-')),
    );
    row(
      `  peak RSS MB (target < ${TARGETS.peakRssMb})`,
      ...r.sizes.map((s) => (s.senim[engine] ? cell(s.senim[engine].peakRssMb) : '-')),
    );
    row(
      '  senim migrate on the fresh database, peak RSS MB',
      ...r.sizes.map((s) => (s.senim[engine] ? cell(s.senim[engine].createPeakRssMb) : '-')),
    );
    row(
      '  entries / messages registered',
      ...r.sizes.map((s) =>
        s.senim[engine] ? `${s.senim[engine].registered} / ${s.senim[engine].messages}` : '-',
      ),
    );
    const growth = r.rssGrowth[engine];
    if (growth !== undefined) {
      row(`  RSS growth (target < ${TARGETS.rssGrowth * 100}%)`, `${(growth * 100).toFixed(1)}%`);
    }
  }
  if (r.outbox) row(`outbox: ${r.outbox.messages} acks to SMTP, msg/s`, cell(r.outbox.msgPerSec));
  if (r.report) {
    row(
      `Chairman's report, ${r.report.entries} entries, s (target < ${TARGETS.reportSeconds})`,
      cell(r.report.seconds, 3),
    );
  }
  return lines.join('\n');
}
