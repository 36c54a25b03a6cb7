/**
 * `senim start` end to end, as a new user runs it: the real daemon process against the private
 * Dovecot mailbox and a real SMTP sink, on embedded defaults otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { deliver } from './helpers/mailbox.js';
import { startSink } from './helpers/smtp-sink.js';
import { attachDovecot } from './services/dovecot.js';
import { freePort, waitUntil } from './services/index.js';

function letter(from: string, subject: string, body: string): string {
  return [
    `From: ${from}`,
    'To: ombudsman@ales.kz',
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.kz>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
  ].join('\r\n');
}

describe('the daemon, senim start', () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it('answers every appellant in their language within one poll, never an automatic mail, and stops cleanly on SIGTERM', async () => {
    const dovecot = attachDovecot(inject('dovecot'));
    const box = await dovecot.addUser(`daemon-${process.pid}`);
    const recent = new Date(Date.now() - 60 * 60_000);
    await deliver(
      box.maildir,
      letter(
        'Нұрлан Серікбаев <nurlan@example.kz>',
        'Шағым',
        'Сәлеметсіз бе! ЖЭО-2 цехының бастығы жұмысшылардан ақша талап етеді және пара алады.\r\nҚұрметпен, Серікбаев Нұрлан',
      ),
      { internalDate: recent },
    );
    await deliver(
      box.maildir,
      letter(
        'Out of office <robot@example.kz>',
        'Automatic reply: Appeal',
        'I am out of the office until Monday.',
      ).replace('Subject:', 'Auto-Submitted: auto-replied\r\nSubject:'),
      { internalDate: recent },
    );
    const dataDir = mkdtempSync(path.join(tmpdir(), 'senim-daemon-'));
    const smtpPort = await freePort();
    const env = {
      SENIM_DATA_DIR: dataDir,
      IMAP_HOST: dovecot.host,
      IMAP_PORT: String(dovecot.port),
      IMAP_TLS: 'false',
      IMAP_USER: box.user,
      IMAP_PASSWORD: box.password,
      IMAP_POLL_SECONDS: '5',
      SMTP_URL: sink.url,
      SMTP_LISTEN: `127.0.0.1:${smtpPort}`,
      SENIM_LOG_LEVEL: 'info',
    };
    const daemon = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    daemon.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) =>
      daemon.on('exit', (code) => resolve(code)),
    );
    try {
      // The mailbox appeal is answered in Kazakh, through the real SMTP server.
      await waitUntil(
        'the acknowledgement of the mailbox appeal',
        () => sink.state.received.some((r) => r.rcpt.includes('nurlan@example.kz')),
        60_000,
      );
      // A mail sent to the listener is answered too.
      const { default: nodemailer } = await import('nodemailer');
      const client = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
      });
      await client.sendMail({
        envelope: { from: 'john@example.com', to: ['ombudsman@ales.kz'] },
        raw: letter(
          'John Smith <john@example.com>',
          'Report',
          'My supervisor at CHP-3 takes kickbacks from a supplier.\r\nJohn Smith',
        ),
      });
      client.close();
      await waitUntil(
        'the acknowledgement of the SMTP appeal',
        () => sink.state.received.some((r) => r.rcpt.includes('john@example.com')),
        30_000,
      );
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(
      sink.state.received
        .map((r) => r.rcpt)
        .flat()
        .sort(),
    ).toEqual(['john@example.com', 'nurlan@example.kz']);
    const kk = sink.state.received.find((r) => r.rcpt.includes('nurlan@example.kz'))!;
    expect(kk.raw).toMatch(/^Auto-Submitted: auto-replied/m);
    const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(kk.raw)?.[1] ?? '';
    expect(decodeMimeWords(subject)).toContain('өтініш');
    // Logs carry ids and reasons only: no names, addresses or content.
    for (const secret of [
      'Серікбаев',
      'nurlan@example.kz',
      'kickbacks',
      'john@example.com',
      box.password,
    ]) {
      expect(log).not.toContain(secret);
    }
    const exported = await runCli(['journal', 'export', '--format', 'json'], {
      SENIM_DATA_DIR: dataDir,
      SENIM_LOG_LEVEL: 'silent',
    });
    const records = JSON.parse(exported.stdout) as {
      channel: string;
      language: string;
      scope: string;
    }[];
    expect(records.map((r) => [r.channel, r.language])).toEqual(
      expect.arrayContaining([
        ['email', 'kk'],
        ['email', 'en'],
      ]),
    );
    expect(records).toHaveLength(2);
  }, 120_000);
});

function decodeMimeWords(value: string): string {
  return value
    .replace(/\r?\n[ \t]/g, '')
    .replace(/=\?utf-8\?b\?([^?]+)\?=\s*/gi, (_m, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );
}
