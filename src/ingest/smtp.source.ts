/**
 * The optional inbound SMTP source (smtp-server), for an MTA that forwards the Ombudsman's mail
 * to us. The sending MTA keeps responsibility for a message until we answer 250, so we answer 250
 * only after intake has committed it, and 4xx on any failure (the MTA retries: nothing is lost).
 * Only recipients at our own domain (that of SENIM_FROM) are accepted: never an open relay.
 * No AUTH: the listener is meant for loopback (the default host) or a private interface.
 */
import { isIP } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { Database } from '../db/database.js';
import type { Logger } from '../log.js';
import { recordFailure, recordSuccess } from './health.repository.js';
import type { Intake } from './intake.port.js';

export interface SmtpListenerDeps {
  listen: { host: string; port: number; maxBytes: number };
  /** our own address (SENIM_FROM): recipients must be at its domain */
  from: string;
  intake: Intake;
  /** for the health record; optional */
  database?: Database;
  log: Logger;
  now: () => Date;
}

export interface SmtpListener {
  /** the port actually listened on (useful with port 0) */
  readonly port: number;
  /** Stops accepting connections; waits (briefly) for the transactions in hand. */
  stop(): Promise<void>;
}

/** smtp-server reads `responseCode` from the error passed to a callback. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Our own domain, or an address at it (a subaddress of ours too): the only accepted recipients. */
export function acceptsRecipient(recipient: string, from: string): boolean {
  const domain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  const at = recipient.lastIndexOf('@');
  return at > 0 && recipient.slice(at + 1).toLowerCase() === domain;
}

export async function startSmtpListener(deps: SmtpListenerDeps): Promise<SmtpListener> {
  const { listen, log } = deps;
  if (!isLoopback(listen.host)) {
    log.warn(
      { source: 'smtp', host: listen.host },
      'the inbound SMTP listener is not on loopback: keep it off the public interface (it has no AUTH)',
    );
  }
  const server = new SMTPServer({
    banner: 'Senim inbound',
    size: listen.maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (acceptsRecipient(address.address, deps.from)) return callback();
      log.info({ source: 'smtp', reason: 'relay-denied' }, 'smtp recipient refused');
      callback(
        smtpError(550, '5.7.1 Relaying denied: this server accepts mail for its own domain only'),
      );
    },
    onData(stream, _session, callback) {
      const receivedAt = deps.now();
      readLimited(stream, listen.maxBytes)
        .then(async (raw) => {
          if (!raw) {
            log.info({ source: 'smtp', reason: 'too-big' }, 'smtp message refused');
            return callback(smtpError(552, '5.3.4 Message exceeds the maximum size'));
          }
          const outcome = await deps.intake.accept({
            raw,
            receivedAt,
            origin: { source: 'smtp' },
          });
          if (deps.database) {
            await recordSuccess(deps.database.db, 'smtp', deps.now()).catch(() => {});
          }
          log.info(
            { source: 'smtp', outcome: outcome.kind, messageId: outcome.messageId },
            'smtp message committed',
          );
          // Committed: only now may the sending MTA forget the message.
          callback(null, `2.0.0 Accepted as ${outcome.messageId}`);
        })
        .catch(async (error: unknown) => {
          const reason = reasonOf(error);
          log.warn({ source: 'smtp', reason }, 'smtp message not committed; answered 451');
          if (deps.database) {
            await recordFailure(deps.database.db, 'smtp', deps.now(), reason).catch(() => {});
          }
          callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
        });
    },
  });
  server.on('error', (error: unknown) => {
    log.warn({ source: 'smtp', reason: reasonOf(error) }, 'smtp listener error');
  });

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(listen.port, listen.host, () => {
      server.server.off('error', onError);
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : listen.port);
    });
  });
  log.info({ source: 'smtp', host: listen.host, port }, 'smtp listener started');

  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The whole message, or null once it exceeds `maxBytes` (the rest is drained, not kept). */
function readLimited(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) over = true;
      if (!over) chunks.push(chunk);
      else chunks.length = 0;
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(over || stream.sizeExceeded ? null : Buffer.concat(chunks)));
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code.slice(0, 60) : 'intake-failed';
}
