import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { freshPgDatabase } from './helpers/db.js';

const KEY = Buffer.alloc(32, 3).toString('base64');

describe('a newcomer on embedded defaults (rules 4.14, 4.17)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'senim-cli-'));
  const env = { SENIM_DATA_DIR: dataDir, SENIM_LOG_LEVEL: 'silent' };

  it('registers a phone appeal and prints its number, generating an owner-only key', async () => {
    const result = await runCli(
      [
        'phone',
        '--content',
        '=HYPERLINK("http://evil") Мастер на ЖЭО-2 требует деньги',
        '--name',
        'Сапарова Айгерим',
        '--phone',
        '8 (701) 123-45-67',
        '--address',
        'Алматы, мкр. Самал-2, д. 58',
        '--received-at',
        '2026-10-05T10:00',
      ],
      env,
    );
    expect(result.stderr).not.toContain('Сапарова');
    expect(result).toMatchObject({ code: 0, stdout: '1\n' });
    expect(statSync(path.join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses bad input with exit 2 and consumes no number', async () => {
    const cases = [
      ['phone', '--name', 'No Content'],
      ['phone', '--content', 'x', '--phone', '12'],
      ['phone', '--content', 'x', '--received-at', '2026-02-30T10:00'],
      ['phone', '--content', 'x', '--received-at', 'yesterday'],
      ['phone', '--content', 'x', '--language', 'de'],
      ['phone', '--content', 'x', '--bogus'],
      ['journal', 'export', '--format', 'pdf'],
      ['journal', 'export', '--format', 'csv', '--from', '2026-13-01'],
      ['journal', 'export', '--format', 'json', '--from', '2026-12-01', '--to', '2026-11-01'],
    ];
    // All refused before the database is opened, so they can run at once.
    const results = await Promise.all(cases.map((args) => runCli(args, env)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]!.join(' ')).toBe(2);
      expect(result.stderr.length, cases[i]!.join(' ')).toBeGreaterThan(0);
    });
    const next = await runCli(
      ['phone', '--content', 'Anonymous call about a hidden accident', '--anonymous'],
      env,
    );
    expect(next).toMatchObject({ code: 0, stdout: '2\n' });
  });

  it('names SENIM_DATA_DIR when it is a file, not a directory, and exits 1', async () => {
    const file = path.join(dataDir, 'not-a-directory');
    writeFileSync(file, '');
    const result = await runCli(['journal', 'verify'], { ...env, SENIM_DATA_DIR: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SENIM_DATA_DIR cannot be used as the data directory');
  });

  it('will not send the Chairman’s report of a month that is not over: it would take the month’s one slot', async () => {
    const now = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Almaty',
      year: 'numeric',
      month: '2-digit',
    })
      .format(new Date())
      .slice(0, 7);
    for (const month of [now, '2099-01']) {
      const sent = await runCli(['digest', 'chairman', '--month', month, '--send'], env);
      expect(sent.code, month).toBe(2);
      expect(sent.stderr).toContain('is not over yet');
    }
    const printed = await runCli(['digest', 'chairman', '--month', now], env);
    expect(printed.code).toBe(0);
  });

  it('exports the seven Appendix 1 columns in order with Kazakh and Russian headings, Excel-ready', async () => {
    const csv = await runCli(['journal', 'export', '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const [header, first, second] = csv.stdout.slice(1).split('\r\n');
    const headings = header!.split('","');
    expect(headings).toHaveLength(7);
    expect(headings[0]).toContain('Өтініштің реттік нөмірі');
    expect(headings[0]).toContain('Порядковый номер');
    expect(headings[2]).toContain('Тегі, аты, әкесінің аты');
    expect(headings[4]).toContain('қысқаша мазмұны');
    expect(headings[6]).toContain('Почтовый адрес');
    expect(first).toBe(
      '"1","05.10.2026 10:00","Сапарова Айгерим","Алматы, мкр. Самал-2, д. 58, +77011234567","\'=HYPERLINK(""http://evil"") Мастер на ЖЭО-2 требует деньги","",""',
    );
    expect(second).toMatch(/^"2","[^"]+","","",".*hidden accident","",""$/);
  });

  it('exports JSON with the current state of each entry', async () => {
    const json = await runCli(['journal', 'export', '--format', 'json'], env);
    const records = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      number: 1,
      receivedAt: '2026-10-05T10:00:00+05:00',
      channel: 'phone',
      anonymous: false,
      fullName: 'Сапарова Айгерим',
      phone: '+77011234567',
      language: 'ru',
      scope: 'in',
      messages: 0,
      dueDate: '2026-10-27',
      status: 'open',
    });
    expect(records[1]).toMatchObject({
      number: 2,
      anonymous: true,
      fullName: null,
      phone: null,
      replyAddress: null,
    });
  });

  it('prints an A4 landscape book with page numbers and the chain head on the last page', async () => {
    const html = await runCli(['journal', 'export', '--format', 'html'], env);
    expect(html.stdout).toContain('size: A4 landscape');
    expect(html.stdout).toContain('counter(page)');
    expect(html.stdout).toContain('=HYPERLINK(&quot;http://evil&quot;)');
    expect(html.stdout).not.toContain('<script');
    const verify = await runCli(['journal', 'verify'], env);
    const head = /sha256 ([0-9a-f]{64})/.exec(verify.stdout)?.[1];
    expect(head).toBeDefined();
    expect(html.stdout.trimEnd().endsWith('</html>')).toBe(true);
    expect(html.stdout.slice(html.stdout.lastIndexOf('</table>'))).toContain(head!);
  });
});

describe('a journal whose encryption key was lost', () => {
  it('stays readable and verifiable without personal data, and refuses to register with the wrong key', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'senim-key-'));
    const env = { SENIM_DATA_DIR: dataDir, SENIM_LOG_LEVEL: 'silent' };
    const phone = ['phone', '--content', 'Мастер требует деньги', '--name', 'Сапарова Айгерим'];
    expect((await runCli(phone, env)).code).toBe(0);
    writeFileSync(path.join(dataDir, 'encryption.key'), Buffer.alloc(32, 9).toString('base64'));

    const verify = await runCli(['journal', 'verify'], env);
    expect(verify.code).toBe(0);
    const json = await runCli(['journal', 'export', '--format', 'json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { number: 1, fullName: null, content: 'Мастер требует деньги' },
    ]);
    const refused = await runCli(phone, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not the key this journal was written with/);
  });
});

describe('journal verify on PostgreSQL', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await freshPgDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('exits 0 on an intact journal and 1 naming the entry edited in psql', async () => {
    const env = { DATABASE_URL: db.url, SENIM_ENCRYPTION_KEY: KEY, SENIM_LOG_LEVEL: 'silent' };
    for (const content of ['first', 'second', 'third']) {
      expect(
        (await runCli(['phone', '--content', `Appeal ${content}: manager took a bribe`], env)).code,
      ).toBe(0);
    }
    expect((await runCli(['journal', 'verify'], env)).code).toBe(0);
    const sql = postgres(db.url, { onnotice: () => {} });
    try {
      await expect(sql`update entries set content = 'nothing' where number = 2`).rejects.toThrow(
        /append-only/,
      );
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update entries set content = 'nothing happened' where number = 2`;
      });
    } finally {
      await sql.end();
    }
    const verify = await runCli(['journal', 'verify'], env);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/first bad number 2/);
  });
});
