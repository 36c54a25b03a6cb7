/**
 * The daemon serves its embedded database to the Senim commands run beside it (design: the
 * embedded database), on a Unix socket inside the data directory — never TCP — so that
 * `senim triage`, `case show`, `journal export`… work while the daemon owns ./data.
 *
 * PGlite is one PostgreSQL backend in this process. pglite-socket's own server multiplexes its
 * clients one protocol message at a time: between one client's Parse and its Bind another's may
 * run, and the daemon's own transactions (PGlite's transaction mutex) interleave with a client's.
 * So we keep its connection handler (framing, SSL refusal) and give it our own queue, which hands
 * the backend to one client for a whole unit — from its first message to a ReadyForQuery outside
 * a transaction block — while holding PGlite's transaction mutex, so the daemon's own queries and
 * transactions wait for the unit and the unit for them. Each client therefore sees the backend as
 * its own session for the length of a transaction; clients must not rely on state that outlives
 * one (named prepared statements, SET, advisory locks): ours connect with `prepare: false`, and
 * named locks are files (data-dir-lock.ts).
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

export const SOCKET_FILE = 'senim.sock';
/** sockaddr_un holds 108 bytes with the terminating zero; longer paths cannot be bound. */
export const MAX_SOCKET_PATH = 107;
/** A client that holds the backend this long without a word is cut off (its unit rolled back). */
const UNIT_IDLE_MS = 60_000;

const PROTOCOL_V3 = 196608;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

function queryMessage(text: string): Uint8Array {
  const body = Buffer.from(text + '\0', 'utf8');
  const message = Buffer.alloc(5 + body.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

function isStartup(message: Uint8Array): boolean {
  if (message.length < 8) return false;
  return new DataView(message.buffer, message.byteOffset, 8).getInt32(4) === PROTOCOL_V3;
}

interface Item {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/**
 * Duck-types pglite-socket's QueryQueueManager (enqueue, clearQueueForHandler,
 * clearTransactionIfNeeded), which its handler calls.
 */
class UnitQueue {
  private items: Item[] = [];
  private owner: number | null = null;
  private endUnit: (() => void) | null = null;
  private abandoned = new Set<number>();
  private pumping = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: PGlite,
    private readonly onIdleOwner: (handlerId: number) => void,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void) {
    return new Promise<number>((resolve, reject) => {
      this.items.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  clearQueueForHandler(handlerId: number): void {
    this.items = this.items.filter((item) => {
      if (item.handlerId !== handlerId) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** The client went away: if it held the backend, end its unit and roll back what it left open. */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner === handlerId) {
      this.abandoned.add(handlerId);
      void this.pump();
    }
    return Promise.resolve();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.owner !== null && this.abandoned.has(this.owner)) {
          this.abandoned.delete(this.owner);
          await this.resetSession();
          this.finishUnit();
          continue;
        }
        const index =
          this.owner === null
            ? this.items.length > 0
              ? 0
              : -1
            : this.items.findIndex((item) => item.handlerId === this.owner);
        if (index < 0) break;
        const [item] = this.items.splice(index, 1) as [Item];
        if (item.message[0] === TERMINATE) {
          // Not forwarded: the backend is shared and outlives this client.
          item.resolve(0);
          if (this.owner === item.handlerId) this.abandoned.add(item.handlerId);
          continue;
        }
        if (this.owner === null) await this.beginUnit(item.handlerId);
        this.touch();
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          this.abandoned.add(item.handlerId);
          item.reject(error instanceof Error ? error : new Error(String(error)));
          continue;
        }
        item.resolve(bytes);
        const type = item.message[0];
        const answered = type === SYNC || type === QUERY || isStartup(item.message);
        if (answered && !this.db.isInTransaction()) this.finishUnit();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Waits for PGlite's transaction mutex and keeps it until finishUnit. */
  private beginUnit(handlerId: number): Promise<void> {
    return new Promise((started) => {
      void this.db._runExclusiveTransaction(
        () =>
          new Promise<void>((end) => {
            this.owner = handlerId;
            this.endUnit = end;
            started();
          }),
      );
    });
  }

  private finishUnit(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.owner = null;
    const end = this.endUnit;
    this.endUnit = null;
    end?.();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const owner = this.owner;
    this.idleTimer = setTimeout(() => {
      if (owner !== null && this.owner === owner) this.onIdleOwner(owner);
    }, UNIT_IDLE_MS);
    this.idleTimer.unref();
  }

  /** Closes an unfinished extended-protocol exchange and rolls back an open transaction. */
  private async resetSession(): Promise<void> {
    const ignore = () => {};
    await this.db
      .runExclusive(async () => {
        await this.db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: ignore });
        if (this.db.isInTransaction()) {
          await this.db.execProtocolRawStream(queryMessage('ROLLBACK'), { onRawData: ignore });
        }
      })
      .catch(ignore);
  }

  /** Ends the unit in hand (server stop). */
  abandonAll(): void {
    if (this.owner !== null) this.abandoned.add(this.owner);
    void this.pump();
  }
}

export interface SocketServer {
  path: string;
  stop(): Promise<void>;
}

/**
 * Serves `db` on a Unix socket at `socketPath` (a file left by a killed daemon is replaced: the
 * caller owns the data directory). Owner-only: the socket is 0600 in a 0700 directory.
 */
export async function servePglite(db: PGlite, socketPath: string): Promise<SocketServer> {
  const sockets = new Map<number, Socket>();
  const queue = new UnitQueue(db, (handlerId) => sockets.get(handlerId)?.destroy());
  rmSync(socketPath, { force: true });
  const server: Server = createServer((socket) => {
    // Typed for pglite-socket's own queue class (private members make it nominal).
    const handler = new PGLiteSocketHandler({
      queryQueue: queue as unknown as ConstructorParameters<
        typeof PGLiteSocketHandler
      >[0]['queryQueue'],
      closeOnDetach: true,
    });
    sockets.set(handler.handlerId, socket);
    socket.once('close', () => sockets.delete(handler.handlerId));
    handler.attach(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The directory is 0700 already; the socket itself is made owner-only too.
  chmodSync(socketPath, 0o600);
  let stopped: Promise<void> | null = null;
  return {
    path: socketPath,
    stop() {
      // Once: the daemon stops the socket, and closing the database stops it again.
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets.values()) socket.destroy();
        queue.abandonAll();
        await closed;
        rmSync(socketPath, { force: true });
      })();
      return stopped;
    },
  };
}
