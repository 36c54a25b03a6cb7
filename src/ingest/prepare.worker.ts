/**
 * A worker thread of the prepare pool (prepare.pool.ts): raw messages in, plain PreparedMail out.
 * It holds no database, no key and no connection: only the pure work of prepare.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareMail, type PrepareConfig } from './prepare.js';

interface Job {
  id: number;
  raw: Uint8Array;
}

const config = workerData as PrepareConfig;
const port = parentPort!;

port.on('message', (job: Job) => {
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  // the raw goes back to the main thread, which stores it (moved, not copied)
  const transfer = [job.raw.buffer as ArrayBuffer];
  prepareMail(raw, config).then(
    (prepared) => port.postMessage({ id: job.id, prepared, raw: job.raw }, transfer),
    // prepareMail does not throw for bad mail; this is a bug, reported by code only
    (error: unknown) =>
      port.postMessage(
        { id: job.id, error: error instanceof Error ? error.name : 'error', raw: job.raw },
        transfer,
      ),
  );
});
