import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCaseView, rawOfCase, renderCaseView } from '../src/cases/case-view.js';
import { InputError } from '../src/errors.js';
import type { Intake } from '../src/ingest/intake.port.js';
import { registerPhoneAppeal } from '../src/cases/phone.usecases.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import {
  daysAgo,
  eml,
  fixture,
  intakeDeps,
  NOW,
  openIntake,
  recordingAnswers,
  smtp,
} from './helpers/intake.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TZ = 'Asia/Almaty';

function numberOf(o: Awaited<ReturnType<Intake['accept']>>): number {
  if (o.kind !== 'registered' && o.kind !== 'attached')
    throw new Error(`not registered: ${o.kind}`);
  return o.entryNumber;
}

describe.each(engines)('case show and case raw on $name', (engine) => {
  let t: TestDatabase;
  let intake: Intake;
  let answers: ReturnType<typeof recordingAnswers>;
  let withAttachments = 0;

  beforeAll(async () => {
    ({ t, intake, answers } = await openIntake(engine));
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('writes the original message byte for byte (same SHA-256 as recorded)', async () => {
    const raw = fixture('21-attachments-pdf-docx.eml');
    const outcome = await intake.accept(smtp(raw));
    const n = numberOf(outcome);
    withAttachments = n;
    const out = await rawOfCase(t.database.db, t.vault, n);
    expect(sha256(out)).toBe(sha256(raw));
    expect((await rawOfCase(t.database.db, t.vault, n, outcome.messageId)).equals(raw)).toBe(true);
  });

  it('shows the columns, the full text of every message, attachments and the history', async () => {
    const first = eml({
      from: 'Марат Исаев <marat@example.kz>',
      text: 'Мастер на ТЭЦ-2 требует деньги за допуск.',
    });
    const n = numberOf(await intake.accept(smtp(first, daysAgo(1))));
    const ack = answers.calls.find((c) => c.entryNumber === n)!;
    await intake.accept(
      smtp(
        eml({
          from: 'marat@example.kz',
          inReplyTo: ack.messageId,
          text: 'Дополнение: свидетели есть.',
        }),
      ),
    );
    const text = renderCaseView(await loadCaseView(t.database.db, t.vault, n), TZ);
    expect(text).toContain(`Appeal No. ${n}`);
    expect(text).toContain('Мастер на ТЭЦ-2 требует деньги за допуск.');
    expect(text).toContain('Дополнение: свидетели есть.');
    expect(text).toContain('Messages (2)');
    expect(text).toMatch(/follow-up/);
    expect(text).toContain('+05:00');
    expect(text).toMatch(/Due date: +\d{4}-\d{2}-\d{2}/);
    const withFiles = renderCaseView(
      await loadCaseView(t.database.db, t.vault, withAttachments),
      TZ,
    );
    expect(withFiles).toMatch(/Attachments \(\d+\):/);
    expect(withFiles).toMatch(/sha256 [0-9a-f]{64}/);
  });

  it('shows an anonymous appeal as «anonymous», its kept-apart address only when asked for', async () => {
    const n = numberOf(await intake.accept(smtp(fixture('03-mailru-ru-anonymous.eml'))));
    const hidden = renderCaseView(await loadCaseView(t.database.db, t.vault, n), TZ);
    expect(hidden).toContain('«anonymous»');
    expect(hidden).not.toContain('tec2.worker@mail.ru');
    expect(hidden).toContain('Прошу не указывать моё имя');
    const shown = renderCaseView(
      await loadCaseView(t.database.db, t.vault, n, { revealAnonymous: true }),
      TZ,
    );
    expect(shown).toContain('tec2.worker@mail.ru');
  });

  it('shows a phone appeal with no messages, and refuses an unknown number as bad input', async () => {
    const phone = await registerPhoneAppeal(
      t.database.db,
      { vault: t.vault, calendar: intakeDeps(t).calendar, dueWorkingDays: 15, now: () => NOW },
      { content: 'Звонок о нарушении на ГЭС', anonymous: true, receivedAt: daysAgo(1) },
    );
    const text = renderCaseView(await loadCaseView(t.database.db, t.vault, phone.number), TZ);
    expect(text).toContain('Messages (0)');
    await expect(loadCaseView(t.database.db, t.vault, 99_999)).rejects.toBeInstanceOf(InputError);
    await expect(rawOfCase(t.database.db, t.vault, phone.number)).rejects.toBeInstanceOf(
      InputError,
    );
  });

  it('keeps terminal control sequences in a mail out of what it prints', async () => {
    const n = numberOf(await intake.accept(smtp(eml({ text: 'Жалоба \u001b[2J\u009b31m конец' }))));
    const text = renderCaseView(await loadCaseView(t.database.db, t.vault, n), TZ);
    expect(text.includes('\u001b') || text.includes('\u009b')).toBe(false);
    expect(text).toContain('конец');
  });
});
