/**
 * The Ombudsman's daily digest (rules 4.11: what is due and overdue; rules 4.10: what awaits
 * triage). Pure: data → {subject, text, html}. It goes to the Ombudsman only, who sees appellants'
 * identities anyway, so it may quote the brief content — capped, with control characters removed,
 * and HTML-escaped (every appeal is hostile input). Appellants' names and addresses are not shown:
 * `senim case show N` gives them. Russian first, then Kazakh, in one mail; the commands, the
 * evidence codes and what servers said stay as they are.
 */
import { escapeHtml } from '../cases/journal.book.js';
import {
  bilingualMail,
  journalHeadLine,
  valueLabel,
  type Bilingual,
  type RenderedReport,
  type ReportLanguage,
} from './chairman-report.js';
import type { SourceProblem } from '../ingest/health.repository.js';
import { formatDate } from './templates.js';

export const CONTENT_CAP = 200;
/** at most this many items per section; the rest is counted */
export const SECTION_CAP = 30;

/** `When` is the local time as shown ('YYYY-MM-DD HH:mm'); the repository reads it as a Date. */
export interface DigestEntry<When = string> {
  number: number;
  receivedAt: When;
  channel: string;
  scope: string;
  category: string | null;
  site: string | null;
  evidence: string[];
  content: string;
  dueDate: string;
  backlog: boolean;
  /** the appeal its mail named from another address (names-appeal), or null */
  namesAppeal: number | null;
  /** written to us, but no acknowledgement could be mailed (no or unusable address) */
  unanswered: boolean;
  /** threats to life or health, or revenge on the writer (triage's note): read first */
  urgent: boolean;
}

export interface DigestHeld<When = string> {
  id: number;
  receivedAt: When;
  kind: string;
  reason: string;
}

/** New mail on an appeal already registered (follow-ups) since the last digest. */
export interface DigestFollowUp {
  number: number;
  /** how many messages arrived */
  count: number;
  /** some came from an address other than the appeal's */
  otherSender: boolean;
  /** the case is closed: the writer may need a new look */
  closed: boolean;
}

export interface DigestFailedMail {
  id: number;
  kind: string;
  entryNumber: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  /** accepted by the relay, then returned by a bounce: when, and its status code */
  bounced: { at: string; status: string | null } | null;
}

export interface Section<T> {
  items: T[];
  total: number;
}

export interface OmbudsmanDigestData {
  date: string;
  builtAt: string;
  head: { number: number; hash: string };
  /** the head of the previous digest: "new" is what came after it */
  since: number;
  newAppeals: Section<DigestEntry>;
  pending: Section<DigestEntry>;
  /** open, due from today to `dueSoonUntil` (3 working days) */
  dueSoon: Section<DigestEntry>;
  dueSoonUntil: string;
  overdue: Section<DigestEntry>;
  /** follow-up mail attached to appeals since the previous digest */
  followUps: Section<DigestFollowUp>;
  held: Section<DigestHeld>;
  failedMail: Section<DigestFailedMail>;
  /** problems to act on (ingest health, credentials, recipients), without personal data */
  health: HealthNote[];
  healthSources: { source: string; lastSuccessAt: string | null; authExpiresAt: string | null }[];
  backlogUnanswered: Section<DigestEntry>;
}

export type HealthNote =
  SourceProblem | { kind: 'no-recent-poll'; source: string } | { kind: 'no-chairman-email' };

/** One line of hostile text: no control or bidi characters, whitespace collapsed, capped. */
export function brief(text: string, cap = CONTENT_CAP): string {
  const clean = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...clean];
  return chars.length <= cap
    ? clean
    : chars
        .slice(0, cap - 1)
        .join('')
        .trimEnd() + '…';
}

function healthText(h: HealthNote, lang: ReportLanguage): string {
  const ru = lang === 'ru';
  switch (h.kind) {
    case 'poll-failed': {
      const why = h.reason ? ` (${brief(h.reason, 120)})` : '';
      return ru
        ? `${h.source}: последний опрос завершился ошибкой${why}`
        : `${h.source}: соңғы сұрау қатемен аяқталды${why}`;
    }
    case 'auth-expired':
      return ru
        ? `${h.source}: срок действия учётных данных истёк`
        : `${h.source}: тіркелгі деректерінің мерзімі өтті`;
    case 'auth-expiring':
      return ru
        ? `${h.source}: учётные данные перестанут действовать через ${h.days} дн.`
        : `${h.source}: тіркелгі деректері ${h.days} күннен кейін жарамсыз болады`;
    case 'no-recent-poll':
      return ru
        ? `${h.source}: ни одного успешного опроса за последние 24 часа`
        : `${h.source}: соңғы 24 сағатта бірде-бір сәтті сұрау болмады`;
    case 'no-chairman-email':
      return ru
        ? 'CHAIRMAN_EMAIL не задан: отчёты Председателю остаются в очереди исходящих'
        : 'CHAIRMAN_EMAIL берілмеген: Төрағаға арналған есептер шығыс хаттар кезегінде қалады';
  }
}

function sourceLine(s: OmbudsmanDigestData['healthSources'][number], lang: ReportLanguage): string {
  const ru = lang === 'ru';
  const last = s.lastSuccessAt ?? (ru ? 'не было' : 'болмаған');
  const line = ru
    ? `${s.source}: последний успешный опрос ${last}`
    : `${s.source}: соңғы сәтті сұрау ${last}`;
  if (!s.authExpiresAt) return line;
  return ru
    ? `${line}, учётные данные действительны до ${s.authExpiresAt}`
    : `${line}, тіркелгі деректері ${s.authExpiresAt} дейін жарамды`;
}

const ACKNOWLEDGEMENT: Bilingual = {
  ru: 'подтверждение получения',
  kk: 'қабылданғаны туралы хабарлама',
};
/** By outbox kind ('ack' is what answers.ts queues; 'acknowledgement' its answer kind). */
const MAIL_KINDS: Record<string, Bilingual> = {
  ack: ACKNOWLEDGEMENT,
  acknowledgement: ACKNOWLEDGEMENT,
  redirect: { ru: 'разъяснение, куда обратиться', kk: 'қайда жүгіну туралы түсіндірме' },
  extension: { ru: 'продление срока', kk: 'мерзімді ұзарту' },
};

interface Item {
  title: string;
  lines: string[];
  commands: string[];
}

function entryItem(e: DigestEntry, lang: ReportLanguage): Item {
  const ru = lang === 'ru';
  const scope =
    valueLabel('scope', e.scope, lang) +
    (e.category ? ` — ${valueLabel('category', e.category, lang)}` : '');
  const facts = [
    `${ru ? 'поступило' : 'түсті'} ${e.receivedAt}`,
    valueLabel('channel', e.channel, lang),
    scope,
    `${ru ? 'срок' : 'мерзімі'} ${e.dueDate}`,
  ];
  if (e.site) facts.push(`${ru ? 'объект' : 'нысан'}: ${valueLabel('site', e.site, lang)}`);
  if (e.urgent) {
    facts.unshift(
      ru ? 'СРОЧНО: в письме угрозы или преследование' : 'ШҰҒЫЛ: хатта қорқыту немесе қудалау',
    );
  }
  if (e.backlog) {
    facts.push(
      ru
        ? 'из накопившейся почты, автоматически не отвечено'
        : 'жинақталған поштадан, автоматты түрде жауап берілмеген',
    );
  }
  if (e.unanswered) {
    facts.push(
      ru
        ? 'подтверждение по почте не отправлено: сообщите по телефону или почтой'
        : 'растау хаты поштамен жіберілмеді: телефон не пошта арқылы хабарлаңыз',
    );
  }
  if (e.namesAppeal !== null) {
    facts.push(
      ru
        ? `письмо с другого адреса называет обращение № ${e.namesAppeal}`
        : `басқа мекенжайдан келген хат № ${e.namesAppeal} өтінішті атайды`,
    );
  }
  const lines = [facts.join(', ')];
  if (e.evidence.length) {
    lines.push(
      `${ru ? 'основания сортировки' : 'сұрыптау негіздері'}: ${brief(e.evidence.join('; '), 160)}`,
    );
  }
  lines.push(`«${brief(e.content)}»`);
  const commands = [`senim case show ${e.number}`];
  if (e.scope === 'pending') commands.push(`senim triage ${e.number} --in CATEGORY`);
  return { title: `№ ${e.number}`, lines, commands };
}

function followUpItem(f: DigestFollowUp, lang: ReportLanguage): Item {
  const ru = lang === 'ru';
  const facts = [ru ? `новых писем: ${f.count}` : `жаңа хаттар: ${f.count}`];
  if (f.closed) facts.push(ru ? 'дело закрыто' : 'іс жабылған');
  if (f.otherSender) {
    facts.push(ru ? 'есть письмо с другого адреса' : 'басқа мекенжайдан келген хат бар');
  }
  return {
    title: `№ ${f.number}`,
    lines: [facts.join(', ')],
    commands: [`senim case show ${f.number}`],
  };
}

function heldItem(h: DigestHeld, lang: ReportLanguage): Item {
  const ru = lang === 'ru';
  return {
    title: ru ? `Задержанное письмо ${h.id}` : `Ұсталған хат ${h.id}`,
    lines: [`${ru ? 'получено' : 'алынды'} ${h.receivedAt}, ${h.kind}: ${brief(h.reason, 120)}`],
    commands: ['senim held list', `senim held release ${h.id}`],
  };
}

function failedItem(f: DigestFailedMail, lang: ReportLanguage): Item {
  const ru = lang === 'ru';
  const kind = MAIL_KINDS[f.kind]?.[lang] ?? f.kind;
  const error = f.lastError ? `: ${brief(f.lastError, 120)}` : '';
  return {
    title: ru ? `Исходящее письмо ${f.id} (${kind})` : `Шығыс хат ${f.id} (${kind})`,
    lines: f.bounced
      ? bouncedLines(f, f.bounced, lang)
      : [
          ru
            ? `в очереди с ${f.createdAt}, попыток: ${f.attempts}${error}`
            : `кезекке қойылды ${f.createdAt}, әрекеттер саны: ${f.attempts}${error}`,
        ],
    commands: f.entryNumber ? [`senim case show ${f.entryNumber}`] : [],
  };
}

/** Sent, then returned: the appellant has not received it, whatever the outbox said before. */
function bouncedLines(
  f: DigestFailedMail,
  bounced: { at: string; status: string | null },
  lang: ReportLanguage,
): string[] {
  const ru = lang === 'ru';
  const code = bounced.status ?? '—';
  const lines = [
    ru
      ? `отправлено, но ${bounced.at} возвращено сервером получателя (код ${code}): письмо не доставлено`
      : `жіберілді, бірақ ${bounced.at} алушының сервері қайтарды (код ${code}): хат жеткізілмеді`,
  ];
  if (f.entryNumber) {
    lines.push(
      ru
        ? 'заявитель ответа не получил: свяжитесь с ним иначе (телефон, почтовый адрес)'
        : 'өтініш беруші жауап алмады: онымен басқа жолмен байланысыңыз (телефон, пошта мекенжайы)',
    );
  }
  return lines;
}

interface Block {
  title: string;
  items: Item[];
  total: number;
}

function blocks(d: OmbudsmanDigestData, lang: ReportLanguage): Block[] {
  const ru = lang === 'ru';
  const of = <T>(
    title: string,
    s: Section<T>,
    map: (t: T, lang: ReportLanguage) => Item,
  ): Block => ({
    title,
    items: s.items.map((t) => map(t, lang)),
    total: s.total,
  });
  return [
    of(
      ru
        ? `Новые обращения после № ${d.since}`
        : `Жаңа өтініштер (алдыңғы жиынтықтағы соңғы нөмір: № ${d.since})`,
      d.newAppeals,
      entryItem,
    ),
    of(
      ru
        ? 'Ждут вашего решения о компетенции (п. 4.10 Правил)'
        : 'Құзыреті туралы шешіміңізді күтуде (Қағидалардың 4.10-тармағы)',
      d.pending,
      entryItem,
    ),
    of(
      ru
        ? `Срок истекает до ${d.dueSoonUntil} (в ближайшие 3 рабочих дня)`
        : `Мерзімі жақын: соңғы күн ${d.dueSoonUntil} (алдағы 3 жұмыс күні)`,
      d.dueSoon,
      entryItem,
    ),
    of(
      ru ? 'Просрочено (п. 4.11 Правил)' : 'Мерзімі өткен (Қағидалардың 4.11-тармағы)',
      d.overdue,
      entryItem,
    ),
    of(
      ru
        ? 'Новые письма по уже зарегистрированным обращениям'
        : 'Тіркелген өтініштер бойынша жаңа хаттар',
      d.followUps,
      followUpItem,
    ),
    of(ru ? 'Задержано как спам' : 'Спам ретінде ұсталған', d.held, heldItem),
    of(
      ru ? 'Исходящие письма, которые не удалось отправить' : 'Жіберілмей қалған шығыс хаттар',
      d.failedMail,
      failedItem,
    ),
    of(
      ru
        ? 'Зарегистрированы из накопившейся почты, автоматический ответ не отправлялся'
        : 'Жинақталған поштадан тіркелген, автоматты жауап жіберілмеген',
      d.backlogUnanswered,
      entryItem,
    ),
  ];
}

export function summaryLine(d: OmbudsmanDigestData, lang: ReportLanguage): string {
  const ru = lang === 'ru';
  return [
    `${ru ? 'новых' : 'жаңа'}: ${d.newAppeals.total}`,
    `${ru ? 'ждут решения' : 'шешім күтуде'}: ${d.pending.total}`,
    `${ru ? 'срок истекает' : 'мерзімі жақын'}: ${d.dueSoon.total}`,
    `${ru ? 'просрочено' : 'мерзімі өткен'}: ${d.overdue.total}`,
    `${ru ? 'задержано' : 'ұсталған'}: ${d.held.total}`,
    `${ru ? 'не отправлено писем' : 'жіберілмеген хат'}: ${d.failedMail.total}`,
  ].join(', ');
}

function heading(d: OmbudsmanDigestData, lang: ReportLanguage): string {
  return lang === 'ru'
    ? `Сводка Senim за ${formatDate(d.date, 'ru')}`
    : `Senim жиынтығы: ${formatDate(d.date, 'kk')}`;
}

const MORE: Bilingual<(n: number) => string> = {
  ru: (n) => `… и ещё ${n}`,
  kk: (n) => `… тағы ${n}`,
};

const INTAKE: Bilingual = { ru: 'Приём почты', kk: 'Пошта қабылдау' };
const NO_SOURCE: Bilingual = {
  ru: 'почтовый ящик ещё ни разу не опрашивался',
  kk: 'пошта жәшігі әлі бірде-бір рет сұралмаған',
};
const BUILT: Bilingual<(at: string) => string> = {
  ru: (at) => `составлена ${at}`,
  kk: (at) => `${at} жасалды`,
};

/**
 * The subject keeps to the appeals (new, to decide, due soon, overdue) so that both languages fit
 * in one header line (headerSafe caps it at 200 characters); the body has every count.
 */
export function renderOmbudsmanDigest(d: OmbudsmanDigestData): RenderedReport {
  const n = [d.newAppeals.total, d.pending.total, d.dueSoon.total, d.overdue.total];
  const subject =
    `Сводка Senim за ${formatDate(d.date, 'ru')}: новых ${n[0]}, к решению ${n[1]}, срок скоро ${n[2]}, просрочено ${n[3]}` +
    ` / Senim жиынтығы, ${formatDate(d.date, 'kk')}: жаңа ${n[0]}, шешімге ${n[1]}, мерзімі жақын ${n[2]}, мерзімі өткен ${n[3]}`;
  return bilingualMail(subject, (lang) => ({
    text: renderText(d, lang),
    html: renderHtml(d, lang),
  }));
}

function renderText(d: OmbudsmanDigestData, lang: ReportLanguage): string {
  const out: string[] = [
    `${heading(d, lang)} (${BUILT[lang](d.builtAt)})`,
    summaryLine(d, lang),
    '',
    INTAKE[lang],
  ];
  for (const s of d.healthSources) out.push(`  ${sourceLine(s, lang)}`);
  if (d.healthSources.length === 0) out.push(`  ${NO_SOURCE[lang]}`);
  for (const h of d.health) out.push(`  ! ${healthText(h, lang)}`);
  for (const b of blocks(d, lang)) {
    out.push('', `${b.title}: ${b.total}`);
    if (b.total === 0) continue;
    for (const item of b.items) {
      out.push(`  ${item.title}`);
      for (const l of item.lines) out.push(`    ${l}`);
      for (const c of item.commands) out.push(`    $ ${c}`);
    }
    if (b.total > b.items.length) out.push(`  ${MORE[lang](b.total - b.items.length)}`);
  }
  out.push('', journalHeadLine(d.head, lang));
  return out.join('\n');
}

const MUTED = 'color:#555;font-size:12px';
const CODE = 'font-family:Consolas,Menlo,monospace;background:#f3f3f3;padding:1px 4px';

function renderHtml(d: OmbudsmanDigestData, lang: ReportLanguage): string {
  const parts: string[] = [
    `<h2 style="font-size:18px">${escapeHtml(heading(d, lang))}</h2>`,
    `<p><b>${escapeHtml(summaryLine(d, lang))}</b><br><span style="${MUTED}">${escapeHtml(BUILT[lang](d.builtAt))}</span></p>`,
    `<h3>${escapeHtml(INTAKE[lang])}</h3><ul>`,
  ];
  for (const s of d.healthSources) parts.push(`<li>${escapeHtml(sourceLine(s, lang))}</li>`);
  if (d.healthSources.length === 0) parts.push(`<li>${escapeHtml(NO_SOURCE[lang])}</li>`);
  for (const h of d.health) {
    parts.push(`<li style="color:#b00020"><b>${escapeHtml(healthText(h, lang))}</b></li>`);
  }
  parts.push('</ul>');
  for (const b of blocks(d, lang)) {
    parts.push(`<h3>${escapeHtml(b.title)}: ${b.total}</h3>`);
    if (b.total === 0) continue;
    parts.push('<ul>');
    for (const item of b.items) {
      parts.push(
        `<li><b>${escapeHtml(item.title)}</b><br>` +
          item.lines.map(escapeHtml).join('<br>') +
          (item.commands.length
            ? '<br>' +
              item.commands.map((c) => `<code style="${CODE}">${escapeHtml(c)}</code>`).join(' ')
            : '') +
          '</li>',
      );
    }
    if (b.total > b.items.length) {
      parts.push(`<li>${escapeHtml(MORE[lang](b.total - b.items.length))}</li>`);
    }
    parts.push('</ul>');
  }
  parts.push(`<p style="${MUTED}">${escapeHtml(journalHeadLine(d.head, lang))}</p>`);
  return parts.join('\n');
}
