/**
 * The machine's own limits on the benchmark corpus: how fast imapflow can fetch every message's
 * full source from the private Dovecot, and how fast mailparser's simpleParser parses the same
 * messages on one thread. Senim's throughput is judged against these.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';

export interface ImapAccount {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function imapClient(account: ImapAccount): ImapFlow {
  return new ImapFlow({
    host: account.host,
    port: account.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
  });
}

/** Runs `fn` with the account's INBOX selected. */
export async function withInbox<T>(
  account: ImapAccount,
  fn: (c: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = imapClient(account);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export interface FetchLimit {
  messages: number;
  bytes: number;
  msgPerSec: number;
  mbPerSec: number;
}

/** Raw imapflow: FETCH 1:* BODY.PEEK[] streamed, nothing kept. */
export async function fetchLimit(account: ImapAccount): Promise<FetchLimit> {
  return withInbox(account, async (client) => {
    const started = performance.now();
    let messages = 0;
    let bytes = 0;
    for await (const message of client.fetch('1:*', { uid: true, source: true })) {
      messages += 1;
      bytes += message.source?.length ?? 0;
    }
    const seconds = (performance.now() - started) / 1000;
    return { messages, bytes, msgPerSec: messages / seconds, mbPerSec: bytes / 1e6 / seconds };
  });
}

export interface ParseLimit {
  messages: number;
  msgPerSec: number;
  /** CPU milliseconds per message while parsing (user + system of this process) */
  cpuMsPerMsg: number;
}

/** simpleParser over every message of the Maildir, one at a time; only parsing is timed. */
export async function parseLimit(maildir: string): Promise<ParseLimit> {
  const files: string[] = [];
  for (const sub of ['cur', 'new']) {
    for (const name of await readdir(path.join(maildir, sub)))
      files.push(path.join(maildir, sub, name));
  }
  let parsing = 0;
  let cpuMicros = 0;
  for (const file of files) {
    const raw = await readFile(file);
    const started = performance.now();
    const cpu = process.cpuUsage();
    await simpleParser(raw);
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    parsing += performance.now() - started;
  }
  return {
    messages: files.length,
    msgPerSec: files.length / (parsing / 1000),
    cpuMsPerMsg: cpuMicros / 1000 / files.length,
  };
}
