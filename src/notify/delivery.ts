/**
 * Delivery of the outbox (design: outgoing mail is not lost either). Claim → send → mark: the claim
 * is a lease committed before sending, so a crash mid-send leaves the mail due again after the
 * lease, and nothing is held locked while we talk to a mail server. At-least-once: the only window
 * for a repeat is between the server's 250 and our mark, and the stable Message-ID makes the repeat
 * recognisable as the same mail.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTransport as createNodemailer } from 'nodemailer';
import type { Database } from '../db/database.js';
import type { Vault } from '../db/vault.js';
import type { Logger } from '../log.js';
import { strictAddress } from './address-policy.js';
import {
  classifySmtpError,
  describeSmtpError,
  nextAttempt,
  type OutgoingMail,
} from './outbox.models.js';
import {
  claimDue,
  DEFAULT_LEASE_MS,
  markFailed,
  markRetry,
  markSent,
  openMail,
  type OutboxRow,
} from './outbox.repository.js';
import { errorCodes } from '../errors.js';

/** The narrow port delivery needs: one mail out, or a thrown nodemailer-style error. */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

// Short enough that a hung server cannot outlast the lease (DEFAULT_LEASE_MS, five minutes).
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** The nodemailer message: addresses as objects, so nothing in them is parsed as a list. */
function toMessage(mail: OutgoingMail) {
  const to = strictAddress(mail.to);
  if (!to) {
    throw Object.assign(new Error('recipient is not one valid address'), { code: 'EENVELOPE' });
  }
  return {
    from: { name: '', address: mail.from },
    to: { name: '', address: to },
    envelope: { from: mail.from, to: [to] },
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.date ? { date: new Date(mail.date) } : {}),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references.length > 0 ? { references: mail.references } : {}),
    headers: mail.headers,
    // Nothing in a stored mail may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * SMTP when SMTP_URL is set; otherwise each mail is written to `<dataDir>/outbox/<Message-ID>.eml`
 * (contract: with no configuration, outgoing mail goes to ./data/outbox). A retry overwrites the
 * same file, so the file outbox is idempotent too.
 */
export function createTransport(config: {
  smtpUrl: string | null;
  dataDir: string;
}): MailTransport {
  if (config.smtpUrl) {
    // One pooled connection: a backlog goes out over one session instead of paying the
    // connection set-up (and the server's greeting delay) for every mail.
    const transporter = createNodemailer({
      url: config.smtpUrl,
      pool: true,
      maxConnections: 1,
      maxMessages: 100,
      ...SMTP_TIMEOUTS,
    });
    return {
      kind: 'smtp',
      async send(mail) {
        await transporter.sendMail(toMessage(mail));
      },
      close: () => transporter.close(),
    };
  }
  const dir = path.join(config.dataDir, 'outbox');
  const transporter = createNodemailer({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'file',
    async send(mail) {
      const info = await transporter.sendMail(toMessage(mail));
      // The .eml holds personal data: owner-only, like the rest of the data directory.
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const name = mail.messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9@._-]/g, '_');
      const file = path.join(dir, `${name}.eml`);
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, info.message as Buffer, { mode: 0o600 });
      renameSync(temporary, file);
    },
    close: () => transporter.close(),
  };
}

export interface DeliveryDeps {
  database: Pick<Database, 'db'>;
  vault: Vault;
  transport: MailTransport;
  now: () => Date;
  log: Logger;
  /** how long a claimed mail is reserved (default five minutes) */
  leaseMs?: number;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
}

async function deliverOne(deps: DeliveryDeps, row: OutboxRow): Promise<keyof DeliveryResult> {
  const db = deps.database.db;
  const where = { outboxId: row.id, kind: row.kind, entry: row.entryNumber, attempt: row.attempts };
  let mail: OutgoingMail;
  try {
    mail = await openMail(db, deps.vault, row);
  } catch (error) {
    await markFailed(db, row.id, {
      error: `cannot decrypt: ${errorCodes(error)}`,
      now: deps.now(),
    });
    deps.log.error({ ...where, reason: errorCodes(error) }, 'outgoing mail cannot be decrypted');
    return 'failed';
  }
  try {
    await deps.transport.send(mail);
  } catch (error) {
    const now = deps.now();
    const described = describeSmtpError(error);
    if (classifySmtpError(error) === 'permanent') {
      await markFailed(db, row.id, { error: described, now });
      deps.log.warn({ ...where, reason: described }, 'outgoing mail refused permanently');
      return 'failed';
    }
    const at = nextAttempt(row.attempts, row.firstFailedAt ?? now, now);
    if (!at) {
      await markFailed(db, row.id, { error: `gave up after 3 days: ${described}`, now });
      deps.log.warn({ ...where, reason: described }, 'outgoing mail given up after 3 days');
      return 'failed';
    }
    await markRetry(db, row.id, { at, error: described, now });
    deps.log.info({ ...where, reason: described, retryAt: at }, 'outgoing mail will be retried');
    return 'retried';
  }
  await markSent(db, row.id, deps.now());
  deps.log.info(where, 'outgoing mail sent');
  return 'sent';
}

/** One pass: claims up to `limit` due mails and tries each once. */
export async function deliverDue(
  deps: DeliveryDeps,
  options: { limit?: number } = {},
): Promise<DeliveryResult> {
  const claimed = await claimDue(deps.database.db, {
    now: deps.now(),
    limit: options.limit ?? 20,
    leaseMs: deps.leaseMs ?? DEFAULT_LEASE_MS,
  });
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  for (const row of claimed) result[await deliverOne(deps, row)] += 1;
  return result;
}

export interface DeliveryLoop {
  /** wake the loop now (e.g. right after an appeal was registered) */
  notify(): void;
  /** finishes the mail in hand, then stops */
  stop(): Promise<void>;
}

/** The daemon's deliverer: a pass every `intervalMs` and whenever notified. */
export function startDelivery(
  deps: DeliveryDeps,
  options: { intervalMs?: number; batch?: number } = {},
): DeliveryLoop {
  const intervalMs = options.intervalMs ?? 5_000;
  const batch = options.batch ?? 20;
  let stopped = false;
  let notified = false;
  let wake: (() => void) | null = null;

  const rest = () =>
    new Promise<void>((resolve) => {
      if (notified || stopped) {
        notified = false;
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        wake = null;
        notified = false;
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      wake = done;
    });

  const running = (async () => {
    while (!stopped) {
      try {
        // A full batch means more may be due: go on without waiting.
        for (;;) {
          const r = await deliverDue(deps, { limit: batch });
          if (stopped || r.sent + r.retried + r.failed < batch) break;
        }
      } catch (error) {
        deps.log.error({ reason: errorCodes(error) }, 'delivery pass failed; will try again');
      }
      await rest();
    }
  })();

  return {
    notify() {
      notified = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
