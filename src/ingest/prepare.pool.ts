/**
 * Parsing, extraction and triage of a backlog on other cores (node:worker_threads), so the main
 * thread is free for IMAP and the database. Each message is copied to a worker (the main thread
 * keeps its raw to store it); the result comes back as plain data. A worker that dies fails only
 * its messages in hand, which the caller then prepares on the main thread as before.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import type { PrepareConfig, PreparedMail } from './prepare.js';

export interface PreparePool {
  prepare(raw: Buffer): Promise<PreparedMail>;
}

/** One core is left to the main thread (IMAP, database): on 2 cores, one worker. */
export function defaultPrepareWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** After this many worker deaths the pool gives up and everything runs on the main thread. */
const MAX_CRASHES = 3;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (p: PreparedMail) => void; reject: (e: Error) => void }>;
}

type Reply = { id: number; prepared: PreparedMail } | { id: number; error: string };

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(
  FROM_SOURCE ? './prepare.worker.ts' : './prepare.worker.js',
  import.meta.url,
);

/**
 * Built, the worker is the .js file. Run from source under tsx (development, the CLI's tests), a
 * worker does not inherit tsx's loader on Node 20: it registers it before importing the .ts.
 */
function newWorker(config: PrepareConfig): Worker {
  const options = { workerData: config, resourceLimits: RESOURCE_LIMITS };
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * A worker only ever holds a few messages of at most 4 MB (larger ones are prepared on the main
 * thread): a small heap makes it collect early instead of growing the process. A 4 MB young
 * generation (instead of 16) and a 48 MB old one: peak RSS of `ingest --once` (N = 1,000 with a
 * 30 MB message, PostgreSQL) 427–437 → 406 MB, throughput unchanged within the machine's noise.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 };

export function createPreparePool(config: PrepareConfig, size: number, log: Logger): PreparePool {
  const slots: (Slot | null)[] = Array.from({ length: size }, () => null);
  let nextId = 1;
  let crashes = 0;

  function start(index: number): Slot {
    const worker = newWorker(config);
    const slot: Slot = { worker, pending: new Map() };
    // An idle worker must not keep the process alive; a busy one must.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = slot.pending.get(reply.id);
      if (!job) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if ('error' in reply)
        job.reject(new SenimError('prepare-worker', `prepare failed (${reply.error})`));
      else job.resolve(revive(reply.prepared));
    });
    const fail = () => {
      if (slots[index] !== slot) return;
      slots[index] = null;
      crashes += 1;
      log.warn(
        { reason: 'prepare-worker-stopped', inHand: slot.pending.size, crashes },
        crashes >= MAX_CRASHES
          ? 'prepare worker stopped; preparing on the main thread from now on'
          : 'prepare worker stopped; its messages are prepared on the main thread',
      );
      for (const job of slot.pending.values()) {
        job.reject(new SenimError('prepare-worker', 'a prepare worker stopped'));
      }
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    slots[index] = slot;
    return slot;
  }

  return {
    prepare(raw) {
      if (crashes >= MAX_CRASHES) {
        return Promise.reject(new SenimError('prepare-worker', 'prepare workers disabled'));
      }
      // the least busy worker, started on first use
      let index = 0;
      for (let i = 1; i < slots.length; i++) {
        if ((slots[i]?.pending.size ?? 0) < (slots[index]?.pending.size ?? 0)) index = i;
      }
      const slot = slots[index] ?? start(index);
      const id = nextId++;
      const copy = new Uint8Array(raw.byteLength);
      copy.set(raw);
      return new Promise<PreparedMail>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        if (slot.pending.size === 1) slot.worker.ref();
        slot.worker.postMessage({ id, raw: copy }, [copy.buffer]);
      });
    },
  };
}

/** Buffers arrive as Uint8Array from another thread. */
function revive(p: PreparedMail): PreparedMail {
  const reduced = p.reduced as Uint8Array | null;
  return {
    ...p,
    reduced: reduced ? Buffer.from(reduced.buffer, reduced.byteOffset, reduced.byteLength) : null,
  };
}
