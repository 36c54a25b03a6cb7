// Puts messages straight into a Maildir, as a local delivery agent would. Dovecot takes a Maildir
// message's INTERNALDATE from the file's mtime and its flags from the `:2,<letters>` name suffix.
import { randomBytes } from 'node:crypto';
import { chown, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { MailUser } from '../services/dovecot.js';

export interface DeliverOptions {
  /** Becomes the IMAP INTERNALDATE (second precision). Defaults to now. */
  internalDate?: Date;
  /**
   * IMAP system flags such as '\\Seen'. Given (even empty), the message lands in cur/ as already
   * seen by a client; omitted, it lands in new/ and gets \Recent.
   */
  flags?: string[];
}

export interface Delivery extends DeliverOptions {
  raw: Buffer | string;
}

const FLAG_LETTERS: Record<string, string> = {
  '\\Draft': 'D',
  '\\Flagged': 'F',
  '\\Answered': 'R',
  '\\Seen': 'S',
  '\\Deleted': 'T',
};

interface Owner {
  uid: number;
  gid: number;
}

/** Delivers one message; returns the path of the file written. */
export async function deliver(
  maildir: string,
  raw: Buffer | string,
  options: DeliverOptions = {},
): Promise<string> {
  return deliverOne(maildir, { raw, ...options }, await ownerToMatch(maildir));
}

/**
 * Delivers many messages with bounded parallelism (the benchmark loads 10,000). Accepts a lazy
 * (async) iterable so a big backlog never sits in memory at once. Returns how many were written.
 */
export async function deliverMany(
  maildir: string,
  messages: Iterable<Delivery> | AsyncIterable<Delivery>,
  { parallel = 32 }: { parallel?: number } = {},
): Promise<number> {
  const owner = await ownerToMatch(maildir);
  const iterator =
    Symbol.asyncIterator in messages
      ? messages[Symbol.asyncIterator]()
      : messages[Symbol.iterator]();
  let count = 0;
  // Workers share one iterator; `next()` calls interleave safely on a single thread.
  const worker = async () => {
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) {
      await deliverOne(maildir, item.value, owner);
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return count;
}

async function deliverOne(
  maildir: string,
  { raw, internalDate = new Date(), flags }: Delivery,
  owner: Owner | undefined,
): Promise<string> {
  const base = uniqueName();
  const temporary = join(maildir, 'tmp', base);
  const target =
    flags === undefined
      ? join(maildir, 'new', base)
      : join(maildir, 'cur', `${base}:2,${flagLetters(flags)}`);
  await writeFile(temporary, raw, { mode: 0o600 });
  if (owner) await chown(temporary, owner.uid, owner.gid);
  await utimes(temporary, internalDate, internalDate);
  // Written in tmp/ then renamed: Dovecot never sees a half-written message.
  await rename(temporary, target);
  return target;
}

function flagLetters(flags: string[]): string {
  const letters = flags.map((flag) => {
    const letter = FLAG_LETTERS[flag];
    if (!letter) throw new Error(`unsupported Maildir flag ${flag}: use IMAP system flags`);
    return letter;
  });
  // Maildir requires the letters in ASCII order.
  return [...new Set(letters)].sort().join('');
}

let sequence = 0;
const processTag = randomBytes(4).toString('hex');

/**
 * Dovecot gives new files UIDs in file-name order, so the name starts with the delivery time and a
 * zero-padded sequence: UIDs follow delivery order, as on a real server, whatever the dates.
 */
function uniqueName(): string {
  sequence += 1;
  const seconds = Math.floor(Date.now() / 1000);
  return `${seconds}.Q${String(sequence).padStart(9, '0')}P${process.pid}R${processTag}.senim-test`;
}

/** When we are root, files must belong to the Maildir's owner (the server's mail user). */
async function ownerToMatch(maildir: string): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const { uid, gid } = await stat(maildir);
  return { uid, gid };
}

/** Runs `work` with a client logged in to `account` with INBOX open, and logs out after. */
export async function withImap<T>(
  server: { host: string; port: number },
  account: MailUser,
  work: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    return await work(client);
  } finally {
    await client.logout();
  }
}
