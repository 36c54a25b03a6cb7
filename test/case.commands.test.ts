import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCalendar } from '../src/cases/calendar.js';
import { caseState } from '../src/cases/case-state.js';
import {
  eventsOf,
  findEntry,
  insertEntry,
  type NewEntry,
} from '../src/cases/journal.repository.js';
import { loadRedirectDirectory, redirectFor } from '../src/cases/redirect-directory.js';
import { isOutCategory } from '../src/cases/triage.js';
import { closeCase, extendCase, triageAppeal, type CaseDeps } from '../src/cli/case.commands.js';
import { outbox } from '../src/db/schema.js';
import { InputError } from '../src/errors.js';
import { createAnswers } from '../src/notify/answers.js';
import { openMail } from '../src/notify/outbox.repository.js';
import { createIntake } from '../src/ingest/intake.usecases.js';
import type { IntakeOutcome } from '../src/ingest/intake.port.js';
import { openApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { intakeFor } from '../src/wiring.js';
import { answersConfig } from './helpers/answers.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { newEntry } from './helpers/entries.js';
import { eml, intakeDeps, smtp } from './helpers/intake.js';

const NOW = new Date('2026-10-20T06:00:00.000Z');
const RECEIVED = new Date('2026-10-05T04:30:00.000Z');
const directory = loadRedirectDirectory();

describe.each(engines)('the Ombudsman’s case decisions on $name', (engine) => {
  let t: TestDatabase;
  let deps: CaseDeps;

  beforeAll(async () => {
    t = await engine.open();
  });
  afterAll(async () => {
    await t?.dispose();
  });
  beforeEach(() => {
    const now = () => NOW;
    deps = {
      database: t.database,
      calendar: createCalendar({ timeZone: 'Asia/Almaty' }),
      now,
      answers: createAnswers({
        vault: t.vault,
        config: answersConfig(),
        now,
        redirects: (category, lang) =>
          category && isOutCategory(category) ? redirectFor(directory, category, lang) : null,
      }),
    };
  });

  async function register(
    overrides: Partial<NewEntry> = {},
    replyAddress: string | null = 'appellant@example.kz',
  ) {
    const base = newEntry({
      channel: 'email',
      receivedAt: RECEIVED,
      scope: 'pending',
      category: null,
    });
    const e = { ...base, appellant: { ...base.appellant, replyAddress }, ...overrides };
    return (await t.database.db.transaction((tx) => insertEntry(tx, t.vault, e, RECEIVED))).number;
  }

  const mails = async (number: number) => {
    const rows = await t.database.db.select().from(outbox).where(eq(outbox.entryNumber, number));
    return Promise.all(
      rows.map(async (r) => ({ row: r, mail: await openMail(t.database.db, t.vault, r) })),
    );
  };
  const events = async (number: number) =>
    (await eventsOf(t.database.db, number)).map((e) => [e.kind, e.payload] as const);
  const state = async (number: number) =>
    caseState((await findEntry(t.database.db, number))!, await eventsOf(t.database.db, number));

  it('records an out decision and queues the redirect advice naming the body, in the appeal’s language', async () => {
    const n = await register({ language: 'kk' });
    const result = await triageAppeal(deps, { number: n, scope: 'out', category: 'tariffs' });
    expect(result).toMatchObject({ changed: true, answer: { queued: true, duplicate: false } });
    expect((await events(n))[0]).toEqual([
      'triage',
      { scope: 'out', category: 'tariffs', by: 'ombudsman' },
    ]);
    const [only, ...rest] = await mails(n);
    expect(rest).toEqual([]);
    expect(only!.row).toMatchObject({
      kind: 'redirect',
      automatic: false,
      dedupeKey: `redirect:${n}`,
    });
    expect(only!.mail.text).toContain(directory.entries.tariffs.name.kk);
    expect(only!.mail.text).not.toContain(directory.entries.tariffs.name.ru);
    expect(only!.mail.text).toContain(`№ ${n}`);
    expect((await state(n)).status).toBe('redirected');
  });

  it('threads the advice sent after a decision under the appellant’s own Message-ID', async () => {
    const intake = createIntake(intakeDeps(t));
    const messageId = `<thread.${Date.now()}@mail.example.kz>`;
    const outcome = await intake.accept(smtp(eml({ messageId }), RECEIVED));
    if (outcome.kind !== 'registered') throw new Error(`registered expected, got ${outcome.kind}`);
    await triageAppeal(deps, { number: outcome.entryNumber, scope: 'out', category: 'tariffs' });
    const [m] = await mails(outcome.entryNumber);
    expect(m!.mail.inReplyTo).toBe(messageId);
    expect(m!.mail.references).toEqual([messageId]);
  });

  it('changes nothing when the decision repeats the present one', async () => {
    const n = await register();
    await triageAppeal(deps, { number: n, scope: 'out', category: 'billing' });
    const again = await triageAppeal(deps, { number: n, scope: 'out', category: 'billing' });
    expect(again).toEqual({ changed: false, answer: null });
    expect(await mails(n)).toHaveLength(1);
    expect((await events(n)).filter(([k]) => k === 'triage')).toHaveLength(1);
  });

  it('acknowledges an appeal the Ombudsman takes back in remit after a redirect', async () => {
    const n = await register({ scope: 'out', category: 'billing' });
    await triageAppeal(deps, { number: n, scope: 'in', category: 'corruption' });
    const [m] = await mails(n);
    expect(m!.row).toMatchObject({ kind: 'ack', dedupeKey: `ack:${n}`, automatic: false });
    expect(await state(n)).toMatchObject({ scope: 'in', category: 'corruption', status: 'open' });
  });

  it('records the decision on a phone appeal with no e-mail and says the advice was not sent', async () => {
    const n = await register({ channel: 'phone' }, null);
    const result = await triageAppeal(deps, { number: n, scope: 'out', category: 'outage' });
    expect(result.answer).toEqual({ queued: false, reason: 'no-address' });
    expect(await events(n)).toEqual([
      ['triage', { scope: 'out', category: 'outage', by: 'ombudsman' }],
      ['answer-suppressed', { kind: 'redirect', reason: 'no-address' }],
    ]);
  });

  it('refuses an unknown category or number and changes nothing', async () => {
    const n = await register();
    await expect(
      triageAppeal(deps, { number: n, scope: 'out', category: 'corruption' }),
    ).rejects.toThrow(/unknown category "corruption"; expected one of: tariffs, billing/);
    await expect(
      triageAppeal(deps, { number: n, scope: 'in', category: 'nonsense' }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      triageAppeal(deps, { number: 99_999, scope: 'in', category: 'fraud' }),
    ).rejects.toThrow('No appeal No. 99999 in the journal');
    expect(await events(n)).toEqual([]);
  });

  it('extends the due date up to two months from receipt and tells the appellant why', async () => {
    const n = await register({ language: 'ru' });
    const limit = deps.calendar.maxExtensionDate(RECEIVED);
    expect(limit).toBe('2026-12-05');
    await expect(extendCase(deps, { number: n, until: '2026-10-27', reason: 'x' })).rejects.toThrow(
      '--until: must be after the current due date 2026-10-27',
    );
    await expect(extendCase(deps, { number: n, until: '2026-12-06', reason: 'x' })).rejects.toThrow(
      '--until: at most 2026-12-05, two months from receipt (APPC art. 76, rules 4.11)',
    );
    await expect(
      extendCase(deps, { number: n, until: '2026-13-01', reason: 'x' }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      extendCase(deps, { number: n, until: '2026-11-20', reason: '  ' }),
    ).rejects.toBeInstanceOf(InputError);
    expect(await events(n)).toEqual([]);

    const result = await extendCase(deps, {
      number: n,
      until: '2026-12-04',
      reason: 'Нужен ответ подрядчика.',
    });
    expect(result).toMatchObject({ until: '2026-12-04', answer: { queued: true } });
    expect((await events(n))[0]).toEqual([
      'extension',
      { until: '2026-12-04', reason: 'Нужен ответ подрядчика.' },
    ]);
    expect(await state(n)).toMatchObject({ dueDate: '2026-12-04', extended: true });
    const [m] = await mails(n);
    expect(m!.row).toMatchObject({ kind: 'extension', automatic: false });
    expect(m!.mail.text).toContain('4 декабря 2026 г.');
    expect(m!.mail.text).toContain('Нужен ответ подрядчика.');
    // a second extension must go further still
    await expect(
      extendCase(deps, { number: n, until: '2026-12-04', reason: 'again' }),
    ).rejects.toThrow('after the current due date 2026-12-04');
  });

  it('sends the extension notice even to an address past its daily limit of automatic answers', async () => {
    const to = 'busy@example.kz';
    const n = await register({}, to);
    const answers = deps.answers;
    // Six more appeals from the address, each answered automatically: the sixth is past the limit.
    let sixth = 0;
    for (let i = 0; i < 6; i++) {
      sixth = await register({}, to);
      const appeal = {
        ...(await findEntry(t.database.db, sixth))!,
        evidence: [],
        backlog: false,
        hash: '',
        keyId: null,
      };
      await t.database.db.transaction((tx) =>
        answers.afterRegistration(tx, appeal, { to, automatic: true }),
      );
    }
    expect((await events(sixth))[0]).toEqual([
      'answer-suppressed',
      { kind: 'acknowledgement', reason: 'rate-limit' },
    ]);

    const result = await extendCase(deps, {
      number: n,
      until: '2026-11-30',
      reason: 'Проверка продолжается.',
    });
    expect(result.answer).toMatchObject({ queued: true });
    const triaged = await triageAppeal(deps, { number: sixth, scope: 'out', category: 'jobs' });
    expect(triaged.answer).toMatchObject({ queued: true });
  });

  it('closes a case once; closing it again, or deciding on it after, is refused', async () => {
    const n = await register();
    await closeCase(deps, { number: n, outcome: 'Проверка проведена, нарушение подтвердилось.' });
    expect(await events(n)).toEqual([
      ['closure', { outcome: 'Проверка проведена, нарушение подтвердилось.' }],
    ]);
    expect((await state(n)).status).toBe('closed');
    await expect(closeCase(deps, { number: n, outcome: 'again' })).rejects.toThrow(
      `Appeal No. ${n} is already closed`,
    );
    await expect(extendCase(deps, { number: n, until: '2026-11-20', reason: 'x' })).rejects.toThrow(
      'is closed',
    );
    await expect(triageAppeal(deps, { number: n, scope: 'out', category: 'jobs' })).rejects.toThrow(
      'is closed',
    );
    expect(await events(n)).toHaveLength(1);
  });

  it('closes a case only once when two terminals close it at once', async () => {
    const n = await register();
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => closeCase(deps, { number: n, outcome: 'done' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await events(n)).toHaveLength(1);
  });
});

describe('the senim triage and case commands', () => {
  const cli = path.resolve('src/cli.ts');
  const tsx = path.resolve('node_modules/.bin/tsx');
  let dataDir: string;

  function senim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        tsx,
        [cli, ...args],
        { env: { PATH: process.env.PATH, SENIM_DATA_DIR: dataDir, SENIM_LOG_LEVEL: 'silent' } },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'senim-case-cli-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers bad input with exit 2 before touching the database', async () => {
    const runs = await Promise.all([
      senim('triage', '1', '--out', 'nonsense'),
      senim('triage', '1', '--in', 'fraud', '--out', 'billing'),
      senim('triage', '1'),
      senim('triage', 'x', '--in', 'fraud'),
      senim('case', 'extend', '1', '--until', '2026-02-30', '--reason', 'r'),
      senim('case', 'extend', '1', '--until', '2026-11-20'),
      senim('case', 'close', '1'),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(2);
    expect(runs[0].stderr).toContain('unknown category "nonsense"');
    expect(runs[1].stderr).toContain('exactly one of --in CATEGORY or --out CATEGORY');
  });

  it('decides, extends and closes a phone appeal from the command line', async () => {
    const phone = await senim(
      'phone',
      '--content',
      'Прошу разобраться с моим вопросом',
      '--name',
      'Иванов Иван',
      '--reply-address',
      'ivanov@example.kz',
      '--received-at',
      new Date(Date.now() - 86_400_000).toISOString(),
    );
    expect(phone.code, phone.stderr).toBe(0);
    const n = phone.stdout.trim();
    // the acknowledgement to the reply e-mail is tried at once, as a decision's mail is
    expect(phone.stderr).toContain('Delivery: 1 sent, 0 to be retried, 0 failed.');
    expect(readdirSync(path.join(dataDir, 'outbox'))).toEqual([
      expect.stringMatching(new RegExp(`^senim\\.ack\\.${n}\\.[\\w-]+@ales\\.kz\\.eml$`)),
    ]);

    const unknown = await senim('triage', '999', '--in', 'fraud');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No appeal No. 999 in the journal');

    const out = await senim('triage', n, '--out', 'tariffs');
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/redirect advice queued \(outbox \d+\)/);
    // the redirect advice, beside the acknowledgement in the file outbox (no SMTP_URL)
    expect(out.stderr).toContain('Delivery: 1 sent, 0 to be retried, 0 failed.');
    expect(out.stderr).not.toContain('ivanov');
    const files = readdirSync(path.join(dataDir, 'outbox')).sort();
    expect(files).toEqual([
      expect.stringMatching(new RegExp(`^senim\\.ack\\.${n}\\.[\\w-]+@ales\\.kz\\.eml$`)),
      expect.stringMatching(new RegExp(`^senim\\.redirect\\.${n}\\.[\\w-]+@ales\\.kz\\.eml$`)),
    ]);
    const written = readFileSync(path.join(dataDir, 'outbox', files[1]!), 'utf8');
    expect(written).toMatch(/^To: ivanov@example\.kz\r?$/m);
    expect(written).toMatch(/^Auto-Submitted: auto-replied\r?$/m);

    const tooLong = await senim('case', 'extend', n, '--until', '2099-01-01', '--reason', 'r');
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toMatch(/at most \d{4}-\d{2}-\d{2}, two months from receipt/);

    const close = await senim('case', 'close', n, '--outcome', 'Разъяснено');
    expect(close.code, close.stderr).toBe(0);
    const twice = await senim('case', 'close', n, '--outcome', 'Разъяснено');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already closed');
  }, 120_000);

  it('releases held mail from the command line and tries its acknowledgement at once', async () => {
    const app = await openApp(parseConfig({ SENIM_DATA_DIR: dataDir, SENIM_LOG_LEVEL: 'silent' }));
    let held: IntakeOutcome;
    try {
      const raw = eml({ headers: ['X-Spam-Flag: YES'], date: new Date().toUTCString() });
      held = await intakeFor(app).accept(smtp(raw, new Date()));
    } finally {
      await app.close();
    }
    expect(held.kind).toBe('held');
    const before = readdirSync(path.join(dataDir, 'outbox'));

    const release = await senim('held', 'release', String(held.messageId));
    expect(release.code, release.stderr).toBe(0);
    expect(release.stderr).toContain('Delivery: 1 sent, 0 to be retried, 0 failed.');
    const n = release.stdout.trim();
    const added = readdirSync(path.join(dataDir, 'outbox')).filter((f) => !before.includes(f));
    expect(added).toEqual([
      expect.stringMatching(new RegExp(`^senim\\.ack\\.${n}\\.[\\w-]+@ales\\.kz\\.eml$`)),
    ]);
  }, 120_000);
});
