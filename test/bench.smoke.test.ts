import { inject, expect, it } from 'vitest';
import { formatTable, runBench } from '../bench/bench.js';
import { summarize } from '../bench/corpus.js';

// The benchmark's own code on a tiny corpus, so that `npm run bench` cannot rot unnoticed.
it('the benchmark produces every figure and the ingest registers exactly the appeals of the corpus', async () => {
  const n = 50;
  const results = await runBench({
    sizes: [n],
    runs: 1,
    engines: ['postgres'],
    cli: 'tsx',
    outbox: 10,
    reportEntries: 2_000,
    hugeAttachmentBytes: 1024 * 1024,
    services: { postgres: inject('postgres'), dovecot: inject('dovecot') },
    log: () => {},
  });

  const [size] = results.sizes;
  // automatic mail is in the corpus too: recorded, never registered
  const expected = summarize({ count: n, hugeAttachmentBytes: 1024 * 1024, olderThan: new Date() });
  expect(expected.appeals).toBeLessThan(n);
  expect(size!.corpus.count).toBe(n);
  expect(size!.fetch.msgPerSec.median).toBeGreaterThan(0);
  expect(size!.parse.msgPerSec.median).toBeGreaterThan(0);
  const senim = size!.senim.postgres!;
  expect(senim.msgPerSec.median).toBeGreaterThan(0);
  expect(senim.peakRssMb.median).toBeGreaterThan(0);
  expect(senim.createPeakRssMb.median).toBeGreaterThan(0);
  expect(senim.registered).toBe(expected.appeals);
  expect(senim.messages).toBe(n);
  expect(results.outbox?.msgPerSec.median).toBeGreaterThan(0);
  expect(results.report?.seconds.median).toBeGreaterThan(0);
  expect(formatTable(results)).toContain('senim ingest → postgres');
}, 60_000);
