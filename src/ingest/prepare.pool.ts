/**
 * Parsing, extraction and triage of a backlog on other cores (node:worker_threads), so the main
 * thread is free for IMAP and the database. A small message is copied to a worker, a large one
 * moved there and back (the main thread stores it afterwards); the result comes back as plain
 * data. A worker that dies fails only its messages in hand: copied ones the caller prepares on
 * the main thread as before, moved ones must be fetched again.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import type { PrepareConfig, PreparedMail } from './prepare.js';

export interface PreparePool {
  /**
   * Prepares a message in a worker. The result carries the raw bytes back: a large message is
   * moved to the worker and back rather than copied (use the returned `raw`, never the one given).
   * When a worker dies with a moved message, the bytes are gone from this process: the promise
   * rejects with a `prepare-worker-lost` error and the caller must get the message again.
   */
  prepare(raw: Buffer): Promise<{ prepared: PreparedMail; raw: Buffer }>;
}

/** The worker could not prepare a message (a bug: bad mail does not throw); here is its raw. */
export class PrepareFailed extends SenimError {
  constructor(
    reason: string,
    readonly raw: Buffer,
  ) {
    super('prepare-worker', `prepare failed (${reason})`);
  }
}

/** One core is left to the main thread (IMAP, database): on 2 cores, one worker. */
export function defaultPrepareWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** After this many worker deaths the pool gives up and everything runs on the main thread. */
const MAX_CRASHES = 3;

interface Job {
  resolve: (result: { prepared: PreparedMail; raw: Buffer }) => void;
  reject: (e: Error) => void;
  /** the raw was moved to the worker: it cannot be prepared here instead */
  moved: boolean;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Job>;
}

type Reply =
  | { id: number; prepared: PreparedMail; raw: Uint8Array }
  | { id: number; error: string; raw: Uint8Array };

/** Messages at least this large are moved to the worker (and back), not copied. */
const MOVE_MIN_BYTES = 256 * 1024;

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
 * A worker holds a few messages in hand, and the raw of a large one outside its heap: a bounded
 * heap makes it collect early instead of growing the process. The young generation trades GC
 * time for memory: at 4 MB the worker spent a quarter of its time collecting (2.4 of 9.1 s on a
 * 3,000-message pass); 16 MB costs ~10 MB more at peak. Run through the bin, node's
 * --max-semi-space-size caps it lower still (4 MB in all, measured).
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

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
      if ('error' in reply) job.reject(new PrepareFailed(reply.error, asBuffer(reply.raw)));
      else job.resolve({ prepared: revive(reply.prepared), raw: asBuffer(reply.raw) });
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
        job.reject(
          job.moved
            ? new SenimError(
                'prepare-worker-lost',
                'A prepare worker stopped holding a message; it is fetched again on the next pass',
                'operational',
              )
            : new SenimError('prepare-worker', 'a prepare worker stopped'),
        );
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
      const moved = raw.length >= MOVE_MIN_BYTES && ownsItsMemory(raw);
      const sent = moved ? raw : copyOf(raw);
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject, moved });
        if (slot.pending.size === 1) slot.worker.ref();
        slot.worker.postMessage({ id, raw: sent }, [sent.buffer as ArrayBuffer]);
      });
    },
  };
}

/** A Buffer alone on its ArrayBuffer (not a slice of a pool or of a larger read) can be moved. */
function ownsItsMemory(raw: Buffer): boolean {
  return (
    raw.byteOffset === 0 &&
    raw.byteLength === raw.buffer.byteLength &&
    raw.buffer instanceof ArrayBuffer
  );
}

function copyOf(raw: Buffer): Uint8Array {
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Buffers arrive as Uint8Array from another thread. */
function revive(p: PreparedMail): PreparedMail {
  const reduced = p.reduced as Uint8Array | null;
  return { ...p, reduced: reduced ? asBuffer(reduced) : null };
}
