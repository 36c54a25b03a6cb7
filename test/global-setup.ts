// vitest globalSetup: one PostgreSQL and one Dovecot for the whole run, on 127.0.0.1.
//
// Tests get their coordinates with `inject` (typed in test/services/index.ts):
//   inject('postgres').url            superuser URL of the shared server; prefer freshPgDatabase()
//   inject('dovecot')                  { host, port, ... }; attachDovecot(info).addUser(...) for a
//                                      mailbox of your own (unique user name per test file)
// Shared servers must not be restarted: test files run in parallel. A test that restarts a
// server starts its own with startPostgres() / startDovecot().
import type { TestProject } from 'vitest/node';
import { startDovecot } from './services/dovecot.js';
import { startPostgres } from './services/postgres.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const results = await Promise.allSettled([startPostgres(), startDovecot()]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  // If vitest is interrupted, teardown never runs; don't leave servers behind.
  const killAll = () => started.forEach((server) => server.killNow());
  process.once('exit', killAll);
  const teardown = async () => {
    process.off('exit', killAll);
    await Promise.allSettled(started.map((server) => server.stop()));
  };
  const [postgres, dovecot] = results;
  if (postgres.status === 'rejected' || dovecot.status === 'rejected') {
    await teardown();
    const failed = postgres.status === 'rejected' ? postgres : (dovecot as PromiseRejectedResult);
    throw new Error('test services did not start', { cause: failed.reason as unknown });
  }
  project.provide('postgres', postgres.value.info);
  project.provide('dovecot', dovecot.value.info);
  return teardown;
}
