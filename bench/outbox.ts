/**
 * The outbox figure: acknowledgements queued in the outbox, then delivered by Senim's delivery
 * (nodemailer, one pooled SMTP connection) to a local smtp-server sink that accepts everything.
 */
import { SMTPServer } from 'smtp-server';
import { openPostgres } from '../src/db/database.js';
import type { Vault } from '../src/db/vault.js';
import { silentLogger } from '../src/log.js';
import { createTransport, deliverDue } from '../src/notify/delivery.js';
import { queueMail } from '../src/notify/outbox.repository.js';

const FROM = 'ombudsman@ales.kz';

export interface Sink {
  port: number;
  received(): number;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  let count = 0;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    received: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ACK_TEXT = `Здравствуйте.

Ваше обращение зарегистрировано в журнале обращений АО «АлЭС». Ответ будет дан в срок до 15 рабочих дней.

Сәлеметсіз бе. Сіздің өтінішіңіз тіркелді.

Омбудсмен АО «АлЭС»
`;

export interface OutboxRun {
  messages: number;
  msgPerSec: number;
}

/** Queues `count` acknowledgements in a fresh database, then times their delivery to the sink. */
export async function outboxRun(
  url: string,
  vault: Vault,
  sink: Sink,
  count: number,
  dataDir: string,
): Promise<OutboxRun> {
  const database = await openPostgres(url);
  try {
    await database.migrate();
    const now = new Date();
    for (let i = 0; i < count; i += 100) {
      await database.db.transaction(async (tx) => {
        for (let j = i; j < Math.min(count, i + 100); j++) {
          await queueMail(
            tx,
            { vault, from: FROM, now },
            {
              dedupeKey: `bench-ack:${j}`,
              kind: 'ack',
              to: `appellant${j}@example.kz`,
              subject: `Обращение № ${j + 1} зарегистрировано`,
              text: ACK_TEXT,
              html: `<p>${ACK_TEXT.replace(/\n\n/g, '</p><p>')}</p>`,
              automatic: true,
            },
          );
        }
      });
    }
    const before = sink.received();
    const transport = createTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, dataDir });
    const started = performance.now();
    let sent = 0;
    try {
      for (;;) {
        const r = await deliverDue(
          { database, vault, transport, now: () => new Date(), log: silentLogger },
          { limit: 50 },
        );
        sent += r.sent;
        if (r.retried + r.failed > 0)
          throw new Error(`outbox: ${r.retried + r.failed} not delivered`);
        if (r.sent < 50) break;
      }
    } finally {
      transport.close();
    }
    const seconds = (performance.now() - started) / 1000;
    if (sent !== count || sink.received() - before !== count) {
      throw new Error(`outbox: ${sent} sent, ${sink.received() - before} received of ${count}`);
    }
    return { messages: sent, msgPerSec: sent / seconds };
  } finally {
    await database.close();
  }
}
