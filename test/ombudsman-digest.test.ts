import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEntry, insertEvent, type NewEntry } from '../src/cases/journal.repository.js';
import { messages } from '../src/db/schema.js';
import { recordAuthExpiry, recordSuccess } from '../src/ingest/health.repository.js';
import { LANGUAGE_BREAK } from '../src/notify/chairman-report.js';
import { brief, CONTENT_CAP } from '../src/notify/ombudsman-digest.js';
import { queueMail } from '../src/notify/outbox.repository.js';
import {
  buildOmbudsmanDigest,
  sendOmbudsmanDigest,
  type ReportDeps,
} from '../src/notify/reports.usecases.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { reportDeps } from './helpers/reports.js';
import { newEntry } from './helpers/entries.js';

const at = (local: string) => new Date(`${local}:00+05:00`);
// Thursday 22 October 2026, 09:00 Almaty. Working days after it: 23, 27, 28 (26 is a holiday).
const NOW = at('2026-10-22T09:00');

/** No Chairman's address: the digest says so. */
const deps = (t: TestDatabase, now = NOW): ReportDeps =>
  reportDeps(t, now, { chairmanEmail: null });

async function register(t: TestDatabase, over: Partial<NewEntry>): Promise<number> {
  return (await t.database.db.transaction((tx) => insertEntry(tx, t.vault, newEntry(over)))).number;
}

const LONG = 'Прораб требует деньги за допуск к работе. '.repeat(20);

describe.each(engines)("the Ombudsman's digest on $name", (engine) => {
  let t: TestDatabase;
  const n: Record<string, number> = {};
  let heldId = 0;
  let failedId = 0;

  beforeAll(async () => {
    t = await engine.open();
    n.overdue = await register(t, {
      receivedAt: at('2026-09-20T10:00'),
      dueDate: '2026-10-12',
      content: 'overdue matter',
    });
    n.closed = await register(t, {
      receivedAt: at('2026-09-21T10:00'),
      dueDate: '2026-10-12',
      content: 'closed matter',
    });
    await t.database.db.transaction((tx) =>
      insertEvent(tx, n.closed!, 'closure', { outcome: 'done' }, at('2026-10-01T10:00')),
    );
    n.extended = await register(t, {
      receivedAt: at('2026-09-22T10:00'),
      dueDate: '2026-10-13',
      content: 'extended matter',
    });
    await t.database.db.transaction((tx) =>
      insertEvent(
        tx,
        n.extended!,
        'extension',
        { until: '2026-10-27', reason: 'audit' },
        at('2026-10-10T10:00'),
      ),
    );
    n.dueFar = await register(t, {
      receivedAt: at('2026-10-20T10:00'),
      dueDate: '2026-11-10',
      content: 'not due yet',
    });
    n.pending = await register(t, {
      receivedAt: at('2026-10-21T18:00'),
      channel: 'email',
      scope: 'pending',
      category: null,
      evidence: ['no keyword matched', 'ru:угрож* → urgent'],
      dueDate: '2026-11-12',
      content: `<script>alert(1)</script> ${LONG}`,
    });
    n.triagedOut = await register(t, {
      scope: 'pending',
      category: null,
      dueDate: '2026-11-12',
      content: 'tariff question',
    });
    await t.database.db.transaction((tx) =>
      insertEvent(
        tx,
        n.triagedOut!,
        'triage',
        { scope: 'out', category: 'tariffs' },
        at('2026-10-21T19:00'),
      ),
    );
    n.backlog = await register(t, {
      receivedAt: at('2024-01-10T10:00'),
      backlog: true,
      dueDate: '2024-02-01',
      content: 'old mail',
    });

    const [held] = await t.database.db
      .insert(messages)
      .values({
        source: 'imap',
        rawSha256: 'f'.repeat(64),
        rawSize: 1234,
        receivedAt: at('2026-10-21T20:00'),
        kind: 'spam',
        reason: 'spam-header:X-Spam-Flag',
        status: 'held',
      })
      .returning({ id: messages.id });
    heldId = held!.id;

    // the pending appeal came from another address naming the overdue one in its subject
    await t.database.db.insert(messages).values({
      source: 'imap',
      rawSha256: 'd'.repeat(64),
      rawSize: 222,
      receivedAt: at('2026-10-21T18:00'),
      kind: 'appeal',
      reason: 'person',
      status: 'registered',
      entryNumber: n.pending,
      notes: [`names-appeal:${n.overdue}`],
    });

    // no mail could answer the pending appeal (its sender gave no usable address)
    await t.database.db.transaction((tx) =>
      insertEvent(
        tx,
        n.pending!,
        'answer-suppressed',
        { kind: 'acknowledgement', reason: 'no-address' },
        at('2026-10-21T18:00'),
      ),
    );

    // a reply on the closed case, from another address
    const [reply] = await t.database.db
      .insert(messages)
      .values({
        source: 'imap',
        rawSha256: 'e'.repeat(64),
        rawSize: 321,
        receivedAt: at('2026-10-21T21:00'),
        kind: 'follow-up',
        reason: 'follow-up:reply',
        status: 'attached',
        entryNumber: n.closed,
        notes: ['follow-up:sender-differs'],
      })
      .returning({ id: messages.id });
    await t.database.db.transaction((tx) =>
      insertEvent(
        tx,
        n.closed!,
        'follow-up',
        { messageId: reply!.id, reason: 'follow-up:reply' },
        at('2026-10-21T21:00'),
      ),
    );

    const mail = await t.database.db.transaction((tx) =>
      queueMail(
        tx,
        { vault: t.vault, from: 'ombudsman@ales.kz', now: at('2026-10-19T10:00') },
        {
          dedupeKey: `ack:${n.dueFar}`,
          kind: 'acknowledgement',
          to: 'someone@example.kz',
          subject: 'ack',
          text: 'ack',
          html: '<p>ack</p>',
          entryNumber: n.dueFar,
          automatic: true,
        },
      ),
    );
    failedId = mail.id;
    // As delivery marks a permanent failure (markFailed fails on postgres.js with a Date in raw SQL: reported).
    await t.database.db.execute(
      sql`update outbox set status = 'failed', attempts = 1, last_error = '550 5.1.1 mailbox unavailable' where id = ${failedId}`,
    );
    await recordSuccess(t.database.db, 'imap', at('2026-10-22T08:55'));
    await recordAuthExpiry(t.database.db, 'imap', at('2026-10-25T00:00'), at('2026-10-22T08:55'));
  });

  afterAll(async () => {
    await t?.dispose();
  });

  const section = (text: string, title: string) => {
    const start = text.indexOf(`\n${title}`);
    expect(start, `section "${title}"`).toBeGreaterThanOrEqual(0);
    const rest = text.slice(start + 1);
    const end = rest.search(/\n\n/);
    return end < 0 ? rest : rest.slice(0, end);
  };
  const numbersIn = (block: string) =>
    [...block.matchAll(/\n {2}№ (\d+)/g)].map((m) => Number(m[1]));
  /** The Russian and the Kazakh part of the text, in mail order. */
  const languages = (text: string) => {
    const [ru = '', kk = '', ...rest] = text.split(LANGUAGE_BREAK);
    expect(rest).toHaveLength(0);
    return { ru, kk };
  };

  it('lists new appeals, pending decisions, due soon, overdue, held and failed mail, intake health and the backlog', async () => {
    const { rendered } = await buildOmbudsmanDigest(t.database.db, deps(t));
    const { ru, kk } = languages(rendered.text);
    // Section titles in Russian and in Kazakh; each language part lists the same things.
    const titles = {
      newAppeals: [
        'Новые обращения после № 0',
        'Жаңа өтініштер (алдыңғы жиынтықтағы соңғы нөмір: № 0)',
      ],
      pending: ['Ждут вашего решения о компетенции', 'Құзыреті туралы шешіміңізді күтуде'],
      // Due within 3 working days of 22 October: to 28 October (26 October is a holiday).
      dueSoon: ['Срок истекает до 2026-10-28', 'Мерзімі жақын: соңғы күн 2026-10-28'],
      overdue: ['Просрочено', 'Мерзімі өткен'],
      held: ['Задержано как спам', 'Спам ретінде ұсталған'],
      failed: ['Исходящие письма, которые не удалось отправить', 'Жіберілмей қалған шығыс хаттар'],
      backlog: ['Зарегистрированы из накопившейся почты', 'Жинақталған поштадан тіркелген'],
      intake: ['Приём почты', 'Пошта қабылдау'],
      followUps: [
        'Новые письма по уже зарегистрированным обращениям',
        'Тіркелген өтініштер бойынша жаңа хаттар',
      ],
    } as const;
    for (const [i, text] of [ru, kk].entries()) {
      const at = (key: keyof typeof titles) => section(text, titles[key][i]!);
      // threats first (triage's note `urgent`), then in number order
      expect(numbersIn(at('newAppeals'))).toEqual([
        n.pending,
        ...[1, 2, 3, 4, 5, 6, 7].filter((k) => k !== n.pending),
      ]);
      expect(numbersIn(at('pending'))).toEqual([n.pending]);
      expect(at('pending')).toContain(`$ senim triage ${n.pending} --in CATEGORY`);
      expect(at('pending')).toContain(': no keyword matched');
      expect(numbersIn(at('dueSoon'))).toEqual([n.extended]);
      expect(numbersIn(at('overdue'))).toEqual([n.overdue]);
      expect(at('overdue')).toContain(`$ senim case show ${n.overdue}`);
      expect(at('held')).toContain(`$ senim held release ${heldId}`);
      expect(at('held')).toContain('spam-header:X-Spam-Flag');
      expect(at('failed')).toContain(`$ senim case show ${n.dueFar}`);
      expect(at('failed')).toContain('550 5.1.1 mailbox unavailable');
      expect(numbersIn(at('backlog'))).toEqual([n.backlog]);
      expect(numbersIn(at('followUps'))).toEqual([n.closed]);
      expect(at('followUps')).toContain(`$ senim case show ${n.closed}`);
    }
    expect(section(ru, 'Ждут вашего решения')).toContain(
      `письмо с другого адреса называет обращение № ${n.overdue}`,
    );
    expect(section(kk, 'Құзыреті туралы')).toContain(
      `басқа мекенжайдан келген хат № ${n.overdue} өтінішті атайды`,
    );
    expect(section(ru, 'Ждут вашего решения')).toContain(
      'подтверждение по почте не отправлено: сообщите по телефону или почтой',
    );
    expect(section(kk, 'Құзыреті туралы')).toContain('растау хаты поштамен жіберілмеді');
    expect(section(ru, 'Новые обращения')).toContain('СРОЧНО: в письме угрозы или преследование');
    expect(section(kk, 'Жаңа өтініштер')).toContain('ШҰҒЫЛ: хатта қорқыту немесе қудалау');
    expect(ru.match(/СРОЧНО/g)).toHaveLength(2);
    // the mark is the pending appeal's alone: the others were answered or came by phone
    expect(ru.match(/подтверждение по почте не отправлено/g)).toHaveLength(2);
    expect(section(ru, 'Новые письма по')).toContain(
      'новых писем: 1, дело закрыто, есть письмо с другого адреса',
    );
    expect(section(kk, 'Тіркелген өтініштер бойынша')).toContain(
      'жаңа хаттар: 1, іс жабылған, басқа мекенжайдан келген хат бар',
    );
    expect(section(ru, 'Ждут вашего решения')).toContain(
      'основания сортировки: no keyword matched',
    );
    expect(section(kk, 'Құзыреті туралы')).toContain('сұрыптау негіздері: no keyword matched');
    expect(section(ru, 'Исходящие письма')).toContain(
      `Исходящее письмо ${failedId} (подтверждение получения)`,
    );
    expect(section(kk, 'Жіберілмей қалған')).toContain(
      `Шығыс хат ${failedId} (қабылданғаны туралы хабарлама)`,
    );
    expect(section(ru, 'Приём почты')).toContain('imap: последний успешный опрос 2026-10-22 08:55');
    expect(section(ru, 'Приём почты')).toContain(
      'imap: учётные данные перестанут действовать через 3 дн.',
    );
    expect(section(kk, 'Пошта қабылдау')).toContain('imap: соңғы сәтті сұрау 2026-10-22 08:55');
    expect(section(kk, 'Пошта қабылдау')).toContain(
      'imap: тіркелгі деректері 3 күннен кейін жарамсыз болады',
    );
    expect(ru).toMatch(/^Сводка Senim за 22 октября 2026 г\./);
    expect(kk).toMatch(/^Senim жиынтығы: 2026 жылғы 22 қазан/);
    expect(ru).toMatch(/Голова журнала: № 7, sha256 [0-9a-f]{64}/);
    expect(kk).toMatch(/Журнал басы: № 7, sha256 [0-9a-f]{64}/);
    expect(rendered.subject).toBe(
      'Сводка Senim за 22 октября 2026 г.: новых 7, к решению 1, срок скоро 1, просрочено 1 / ' +
        'Senim жиынтығы, 2026 жылғы 22 қазан: жаңа 7, шешімге 1, мерзімі жақын 1, мерзімі өткен 1',
    );
    expect(rendered.html).toContain('<div lang="ru">');
    expect(rendered.html).toContain('<div lang="kk">');
    expect(rendered.html.indexOf('<div lang="ru">')).toBeLessThan(
      rendered.html.indexOf('<div lang="kk">'),
    );
  });

  it('caps the brief content at about 200 characters and escapes it in HTML', async () => {
    const { rendered } = await buildOmbudsmanDigest(t.database.db, deps(t));
    const quoted = /«([^»]*<script>[^»]*)»/.exec(rendered.text)?.[1] ?? '';
    expect([...quoted].length).toBeLessThanOrEqual(CONTENT_CAP);
    expect(quoted.endsWith('…')).toBe(true);
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('&lt;script&gt;');
    expect(brief('a\u202Eb\r\nc\u0000d')).toBe('a b c d');
  });

  it('sends once per working day and counts as new only what came after the last digest', async () => {
    const first = await sendOmbudsmanDigest(deps(t), '2026-10-22');
    expect(first).toMatchObject({ queued: true, held: false });
    expect((await sendOmbudsmanDigest(deps(t), '2026-10-22')).queued).toBe(false);
    const eighth = await register(t, {
      receivedAt: at('2026-10-22T12:00'),
      dueDate: '2026-11-13',
      content: 'afternoon call',
    });
    const next = await buildOmbudsmanDigest(t.database.db, deps(t, at('2026-10-23T09:00')));
    const { ru, kk } = languages(next.rendered.text);
    expect(numbersIn(section(ru, 'Новые обращения после № 7'))).toEqual([eighth]);
    expect(numbersIn(section(kk, 'Жаңа өтініштер (алдыңғы жиынтықтағы соңғы нөмір: № 7)'))).toEqual(
      [eighth],
    );
    // the follow-up came before the first digest: it is not news any more
    expect(numbersIn(section(ru, 'Новые письма по'))).toEqual([]);
  });
});
