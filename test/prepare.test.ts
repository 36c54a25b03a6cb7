import { describe, expect, it } from 'vitest';
import { prepareMail, type PrepareConfig } from '../src/ingest/prepare.js';

const CONFIG: PrepareConfig = {
  maxMessageBytes: 25 * 1024 * 1024,
  ownAddresses: ['ombudsman@ales.kz'],
  spamHeaders: true,
  dmarcFailBlocks: true,
};

function letter(subject: string, text: string): Buffer {
  return Buffer.from(
    [
      'From: Ерлан Сапаров <erlan@example.kz>',
      'To: ombudsman@ales.kz',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      'Message-ID: <prepare-test@example.kz>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(text).toString('base64'),
      '',
    ].join('\r\n'),
  );
}

const BILLING = 'Счёт за электроэнергию завышен, прошу пересчитать тариф за свет.';

// rules 4.10: triage reads the writer's own words; a quoted or forwarded mail is not the appeal
describe('prepareMail triage', () => {
  it('decides from the writer’s own words, not from the letter they quote', async () => {
    const text = [
      'Прошу разобраться: мастер участка грубит посетителям.',
      '',
      '-----Original Message-----',
      'From: Абонентский отдел <billing@example.kz>',
      'Sent: Monday, November 23, 2026 10:00 AM',
      'Subject: Счёт',
      '',
      BILLING,
    ].join('\n');
    const prepared = await prepareMail(letter('Жалоба', text), CONFIG);
    expect(prepared.decision).toMatchObject({ scope: 'in', category: 'conduct_other' });
    expect(prepared.decision!.evidence.join(' ')).not.toMatch(/billing|tariffs/);
  });

  it('reads the forwarded letter of a bare forward, as column 5 does', async () => {
    const text = [
      '---------- Forwarded message ---------',
      'From: Соседка <neighbour@example.kz>',
      'Subject: Счёт',
      '',
      BILLING,
    ].join('\n');
    const prepared = await prepareMail(letter('Fwd: Счёт', text), CONFIG);
    expect(prepared.extracted!.content).toBe(BILLING);
    expect(prepared.decision).toMatchObject({ scope: 'out', category: 'tariffs' });
  });
});
