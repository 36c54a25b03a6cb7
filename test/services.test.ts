import { ImapFlow, type StatusObject } from 'imapflow';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliver, deliverMany } from './helpers/mailbox.js';
import { freshPgDatabase } from './helpers/db.js';
import {
  attachDovecot,
  startDovecot,
  type DovecotServer,
  type MailUser,
} from './services/dovecot.js';
import { startPostgres } from './services/postgres.js';

function imapClient(server: { host: string; port: number }, account: MailUser): ImapFlow {
  return new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
}

async function withImap<T>(
  server: { host: string; port: number },
  account: MailUser,
  work: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = imapClient(server, account);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

async function inboxStatus(server: DovecotServer, account: MailUser): Promise<StatusObject> {
  return withImap(server, account, async (client) => {
    const status = await client.status('INBOX', { messages: true, uidValidity: true });
    if (!status) throw new Error('STATUS INBOX failed');
    return status;
  });
}

function message(subject: string): string {
  return `From: appellant@example.kz\r\nTo: ombudsman@example.kz\r\nSubject: ${subject}\r\n\r\nText.\r\n`;
}

describe('the shared PostgreSQL', () => {
  it('gives each test file a database of its own that answers queries', async () => {
    const database = await freshPgDatabase();
    const sql = postgres(database.url, { max: 1 });
    try {
      const [row] = await sql<{ one: number; name: string }[]>`
        select 1 as one, current_database() as name`;
      expect(row?.one).toBe(1);
      expect(row?.name).toMatch(/^senim_test_/);
    } finally {
      await sql.end();
      await database.drop();
    }
  });
});

describe('a private PostgreSQL', () => {
  it('keeps its data and its URL across a restart', async () => {
    const server = await startPostgres();
    try {
      const sql = postgres(server.url, { max: 1 });
      await sql`create table kept (n int)`;
      await sql`insert into kept values (42)`;
      await sql.end();

      await server.restart();

      const again = postgres(server.url, { max: 1 });
      const [row] = await again<{ n: number }[]>`select n from kept`;
      expect(row?.n).toBe(42);
      await again.end();
    } finally {
      await server.stop();
    }
  });
});

describe('the shared Dovecot', () => {
  const server = attachDovecot(inject('dovecot'));
  let account: MailUser;

  beforeAll(async () => {
    account = await server.addUser(`services-${process.pid}`);
  });

  it('lists delivered messages with their INTERNALDATE and file-name flags', async () => {
    const leapDay = new Date('2024-02-29T20:15:07Z');
    const newYear = new Date('2023-12-31T23:59:59Z');
    await deliver(account.maildir, message('unread'), { internalDate: leapDay });
    await deliver(account.maildir, Buffer.from(message('read')), {
      internalDate: newYear,
      flags: ['\\Seen'],
    });

    const listed = await withImap(server, account, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const messages = await client.fetchAll('1:*', {
          uid: true,
          flags: true,
          internalDate: true,
          envelope: true,
        });
        return messages.map((m) => ({
          subject: m.envelope?.subject,
          internalDate: new Date(m.internalDate ?? 0).toISOString(),
          seen: m.flags?.has('\\Seen') ?? false,
        }));
      } finally {
        lock.release();
      }
    });

    expect(listed).toEqual([
      { subject: 'unread', internalDate: leapDay.toISOString(), seen: false },
      { subject: 'read', internalDate: newYear.toISOString(), seen: true },
    ]);
  });

  it('wakes an IDLE client when a message is delivered', async () => {
    const watcher = await server.addUser(`idle-${process.pid}`);
    const client = imapClient(server, watcher);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const exists = new Promise<number>((resolve) =>
        client.once('exists', (event: { count: number }) => resolve(event.count)),
      );
      void client.idle();
      await deliver(watcher.maildir, message('while idling'));
      expect(await exists).toBe(1);
    } finally {
      await client.logout();
    }
  });

  it('takes a bulk delivery in delivery order', async () => {
    const other = await server.addUser(`bulk-${process.pid}`);
    const count = 500;
    const delivered = await deliverMany(
      other.maildir,
      Array.from({ length: count }, (_, i) => ({ raw: message(`bulk ${i}`) })),
    );
    expect(delivered).toBe(count);

    const subjects = await withImap(server, other, async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const messages = await client.fetchAll('1:*', { envelope: true });
        return messages.map((m) => m.envelope?.subject);
      } finally {
        lock.release();
      }
    });
    expect(subjects).toEqual(Array.from({ length: count }, (_, i) => `bulk ${i}`));
  });
});

describe('a private Dovecot', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('comes back on the same port after a restart, dropping open sessions', async () => {
    const account = await server.addUser('restart');
    await deliver(account.maildir, message('before restart'));
    const port = server.port;
    const client = imapClient(server, account);
    await client.connect();
    const closed = new Promise((resolve) => client.once('close', resolve));

    await server.restart();

    await closed;
    expect(server.port).toBe(port);
    expect((await inboxStatus(server, account)).messages).toBe(1);
  });

  it('assigns a new UIDVALIDITY after resetUidValidity, even to a logged-in user', async () => {
    const account = await server.addUser('uidvalidity');
    await deliver(account.maildir, message('first'));
    const before = (await inboxStatus(server, account)).uidValidity;
    const idle = imapClient(server, account);
    await idle.connect();
    await idle.mailboxOpen('INBOX');
    const closed = new Promise((resolve) => idle.once('close', resolve));

    await server.resetUidValidity(account.user);

    await closed;
    const after = (await inboxStatus(server, account)).uidValidity;
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });
});
