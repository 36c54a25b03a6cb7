/** A real SMTP server on 127.0.0.1 that captures what we send, and can refuse as told. */
import { SMTPServer } from 'smtp-server';
import { freePort } from '../services/index.js';

export type Mode = 'accept' | '421' | '451' | '550';

export interface Received {
  messageId: string;
  raw: string;
  rcpt: string[];
}

export async function startSink() {
  const state = { mode: 'accept' as Mode, delayMs: 0, received: [] as Received[] };
  const reply = (code: number, text: string) =>
    Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    onConnect(_session, callback) {
      callback(state.mode === '421' ? reply(421, 'Service not available, try later') : null);
    },
    onRcptTo(_address, _session, callback) {
      callback(state.mode === '550' ? reply(550, 'No such user here') : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.mode === '451') return callback(reply(451, 'Local error, try later'));
        const raw = Buffer.concat(chunks).toString('utf8');
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
        setTimeout(() => {
          state.received.push({
            messageId,
            raw,
            rcpt: session.envelope.rcptTo.map((r) => r.address),
          });
          callback();
        }, state.delayMs);
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    state,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
