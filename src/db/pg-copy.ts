/**
 * Bulk rows through PostgreSQL's binary COPY (postgres.js only). The backlog's messages carry their
 * sealed originals: sent as parameters, the driver turns every byte into text (hex, or base64 the
 * server decodes), building strings several times the size of the mail. Binary COPY sends the
 * bytes as they are. PGlite has no COPY FROM STDIN here: callers fall back to INSERT.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { is } from 'drizzle-orm';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import type { Tx } from './database.js';

export type CopyType = 'int4' | 'int8' | 'text' | 'bytea' | 'timestamptz' | 'jsonb';

export interface CopyColumn {
  name: string;
  type: CopyType;
}

/** A bytea produced while it is sent (a sealed original): its length, then its bytes in pieces. */
export interface StreamedBytes {
  readonly length: number;
  pieces(size: number): Iterable<Buffer>;
}

export type CopyValue = number | string | Buffer | StreamedBytes | Date | null;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** PostgreSQL's epoch for timestamps: 2000-01-01T00:00:00Z, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const NULL_FIELD = Buffer.from([0xff, 0xff, 0xff, 0xff]);

/** The header of a binary COPY stream: signature, flags 0, no extension area. */
export function copyHeader(): Buffer {
  return Buffer.concat([SIGNATURE, Buffer.alloc(8)]);
}

/** The trailer: a field count of -1. */
export function copyTrailer(): Buffer {
  return Buffer.from([0xff, 0xff]);
}

/** Values at least this large are sent as chunks of their own rather than copied into the row. */
const OWN_CHUNK_BYTES = 64 * 1024;
/** A streamed value is produced in pieces of this size: each is sent, then dropped. */
const STREAM_PIECE_BYTES = 64 * 1024;

/**
 * One row in binary COPY format: field count, then each field as length + bytes (-1: null). Small
 * fields are joined into few buffers; a large value (a sealed original) is passed through as its
 * own chunk, not copied, and a streamed one piece by piece: concatenated, the chunks are the row.
 */
export function* copyRow(
  columns: readonly CopyColumn[],
  values: readonly CopyValue[],
): Generator<Buffer> {
  let small: Buffer[] = [];
  const count = Buffer.alloc(2);
  count.writeInt16BE(columns.length);
  small.push(count);
  for (const [i, column] of columns.entries()) {
    const value = values[i] ?? null;
    if (value === null) {
      small.push(NULL_FIELD);
      continue;
    }
    if (isStreamed(value)) {
      if (column.type !== 'bytea') throw new TypeError(`${column.name}: not a bytea column`);
      small.push(int32(value.length));
      yield Buffer.concat(small);
      small = [];
      let sent = 0;
      for (const piece of value.pieces(STREAM_PIECE_BYTES)) {
        sent += piece.length;
        yield piece;
      }
      // a wrong length would shift every later field: the server would misread the row
      if (sent !== value.length) throw new TypeError(`${column.name}: streamed length mismatch`);
      continue;
    }
    const bytes = fieldBytes(column, value);
    small.push(int32(bytes.length));
    if (bytes.length < OWN_CHUNK_BYTES) {
      small.push(bytes);
      continue;
    }
    yield Buffer.concat(small);
    yield bytes;
    small = [];
  }
  if (small.length > 0) yield Buffer.concat(small);
}

function isStreamed(value: Exclude<CopyValue, null>): value is StreamedBytes {
  return typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Date);
}

function int32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(n);
  return out;
}

function fieldBytes(column: CopyColumn, value: Exclude<CopyValue, null | StreamedBytes>): Buffer {
  switch (column.type) {
    case 'int4': {
      const out = Buffer.alloc(4);
      out.writeInt32BE(expectNumber(column, value));
      return out;
    }
    case 'int8': {
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(BigInt(expectNumber(column, value)));
      return out;
    }
    case 'timestamptz': {
      if (!(value instanceof Date)) throw new TypeError(`${column.name}: a Date is expected`);
      const out = Buffer.alloc(8);
      out.writeBigInt64BE(BigInt(value.getTime() - PG_EPOCH_MS) * 1000n);
      return out;
    }
    case 'text':
      return Buffer.from(expectString(column, value), 'utf8');
    case 'jsonb':
      // jsonb's binary form: a version byte (1), then the JSON text
      return Buffer.concat([Buffer.from([1]), Buffer.from(expectString(column, value), 'utf8')]);
    case 'bytea':
      if (!Buffer.isBuffer(value)) throw new TypeError(`${column.name}: a Buffer is expected`);
      return value;
  }
}

function expectNumber(column: CopyColumn, value: CopyValue): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${column.name}: an integer is expected`);
  }
  return value;
}

function expectString(column: CopyColumn, value: CopyValue): string {
  if (typeof value !== 'string') throw new TypeError(`${column.name}: a string is expected`);
  return value;
}

/**
 * postgres.js sends every chunk written to a COPY as its own CopyData message, with its own socket
 * write: a row's small fields alone would cost a system call, and a wake-up of the server, each
 * (a 10,000-message backlog: ~49,000 writes under 1 KB). Chunks are gathered up to this size;
 * a chunk at least half of it (a piece of a sealed original) goes on its own.
 */
const BATCH_BYTES = 64 * 1024;

/** Gathers small chunks into writes of up to BATCH_BYTES, in order. */
export class ChunkBatch {
  private held: Buffer[] = [];
  private bytes = 0;

  /** The writes due before `chunk` can be held; `chunk` itself when it is large. */
  add(chunk: Buffer): Buffer[] {
    if (chunk.length >= BATCH_BYTES / 2) return [...this.flush(), chunk];
    const due = this.bytes + chunk.length > BATCH_BYTES ? this.flush() : [];
    this.held.push(chunk);
    this.bytes += chunk.length;
    return due;
  }

  /** What is held, as one write (none when nothing is). */
  flush(): Buffer[] {
    if (this.held.length === 0) return [];
    const out = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.bytes);
    this.held = [];
    this.bytes = 0;
    return [out];
  }
}

/** The postgres.js connection of a drizzle transaction; null on another driver (PGlite). */
function copyConnection(tx: Tx): Sql | null {
  // drizzle keeps the transaction's session (and its postgres.js connection) out of its types
  const { session } = tx as unknown as { session: unknown };
  return is(session, PostgresJsSession) ? (session as unknown as { client: Sql }).client : null;
}

/** True when rows can be sent with copyRows in this transaction. */
export function canCopy(tx: Tx): boolean {
  return copyConnection(tx) !== null;
}

/**
 * Sends the rows with COPY … FROM STDIN (FORMAT binary) inside the caller's transaction. Table and
 * column names are the caller's constants, never input. Constraints and defaults apply as for
 * INSERT; a violation fails the statement (and the transaction) with the usual SQLSTATE.
 */
export async function copyRows(
  tx: Tx,
  table: string,
  columns: readonly CopyColumn[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<void> {
  const client = copyConnection(tx);
  if (!client) throw new Error('copyRows needs a postgres.js transaction');
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const sink = await client
    .unsafe(`copy "${table}" (${names}) from stdin (format binary)`)
    .writable();
  const done = finished(sink);
  done.catch(() => {}); // awaited below
  const send = async (chunk: Buffer) => {
    // an error mid-stream (a row the server refused) destroys the sink: 'error' rejects once()
    if (!sink.write(chunk)) await once(sink, 'drain');
  };
  const batch = new ChunkBatch();
  try {
    batch.add(copyHeader());
    // rows are encoded as they are sent: a large value is held once, not the whole batch
    for (const values of rows) {
      for (const chunk of copyRow(columns, values)) {
        for (const ready of batch.add(chunk)) await send(ready);
      }
    }
    for (const ready of batch.flush()) await send(ready);
  } catch (error) {
    // a bad value (or a failed source of rows): CopyFail ends copy mode, the transaction aborts
    if (!sink.destroyed) sink.destroy(error instanceof Error ? error : new Error(String(error)));
    await client`select 1`.catch(() => {});
    throw error;
  }
  await new Promise<void>((resolve, reject) =>
    sink.write(copyTrailer(), (error) => (error ? reject(error) : resolve())),
  );
  sink.end();
  // postgres.js never settles a COPY the server fails after its last row (the sink's final
  // callback waits for a completion that does not come): a query queued behind it (once the sink
  // has handed over, a tick after end) settles either way, failing when the transaction aborted.
  await new Promise((resolve) => setImmediate(resolve));
  try {
    await client`select 1`;
  } catch (error) {
    throw new CopyFailed(table, error);
  }
  await done;
}

/** The server refused rows of a COPY; the transaction is aborted. */
export class CopyFailed extends Error {
  readonly code: string | undefined;
  constructor(table: string, cause: unknown) {
    super(`COPY into ${table} failed`, { cause });
    this.name = 'CopyFailed';
    // the SQLSTATE of what followed (the aborted transaction), for callers that classify errors
    this.code = (cause as { code?: string } | null)?.code;
  }
}
