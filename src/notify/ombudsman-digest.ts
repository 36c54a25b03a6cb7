/**
 * The Ombudsman's daily digest (rules 4.11: what is due and overdue; rules 4.10: what awaits
 * triage). Pure: data → {subject, text, html}. It goes to the Ombudsman only, who sees appellants'
 * identities anyway, so it may quote the brief content — capped, with control characters removed,
 * and HTML-escaped (every appeal is hostile input). Appellants' names and addresses are not shown:
 * `senim case show N` gives them.
 */
import type { RenderedReport } from './chairman-report.js';

export const CONTENT_CAP = 200;
/** at most this many items per section; the rest is counted */
export const SECTION_CAP = 30;

export interface DigestEntry {
  number: number;
  receivedAt: string;
  channel: string;
  scope: string;
  category: string | null;
  site: string | null;
  evidence: string[];
  content: string;
  dueDate: string;
  backlog: boolean;
}

export interface DigestHeld {
  id: number;
  receivedAt: string;
  kind: string;
  reason: string;
}

export interface DigestFailedMail {
  id: number;
  kind: string;
  entryNumber: number | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
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
  held: Section<DigestHeld>;
  failedMail: Section<DigestFailedMail>;
  /** sentences without personal data (ingest health, credentials, recipients) */
  health: string[];
  healthSources: { source: string; lastSuccessAt: string | null; authExpiresAt: string | null }[];
  backlogUnanswered: Section<DigestEntry>;
}

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

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

interface Item {
  title: string;
  lines: string[];
  commands: string[];
}

function entryItem(e: DigestEntry): Item {
  const facts = [
    `received ${e.receivedAt}`,
    e.channel === 'email' ? 'e-mail' : e.channel,
    `scope ${e.scope}${e.category ? ` (${e.category})` : ''}`,
    `due ${e.dueDate}`,
  ];
  if (e.site) facts.push(`site ${e.site}`);
  if (e.backlog) facts.push('backlog, not answered automatically');
  const lines = [facts.join(', ')];
  if (e.evidence.length) lines.push(`triage evidence: ${brief(e.evidence.join('; '), 160)}`);
  lines.push(`«${brief(e.content)}»`);
  const commands = [`senim case show ${e.number}`];
  if (e.scope === 'pending') commands.push(`senim triage ${e.number} --in CATEGORY`);
  return { title: `No. ${e.number}`, lines, commands };
}

function heldItem(h: DigestHeld): Item {
  return {
    title: `Held message ${h.id}`,
    lines: [`received ${h.receivedAt}, ${h.kind}: ${brief(h.reason, 120)}`],
    commands: ['senim held list', `senim held release ${h.id}`],
  };
}

function failedItem(f: DigestFailedMail): Item {
  return {
    title: `Outgoing mail ${f.id} (${f.kind})`,
    lines: [
      `queued ${f.createdAt}, ${f.attempts} attempt(s)${f.lastError ? `: ${brief(f.lastError, 120)}` : ''}`,
    ],
    commands: f.entryNumber ? [`senim case show ${f.entryNumber}`] : [],
  };
}

interface Block {
  title: string;
  items: Item[];
  total: number;
  empty: string;
}

function blocks(d: OmbudsmanDigestData): Block[] {
  const of = <T>(title: string, s: Section<T>, map: (t: T) => Item, empty = 'none'): Block => ({
    title,
    items: s.items.map(map),
    total: s.total,
    empty,
  });
  return [
    of(`New appeals since No. ${d.since}`, d.newAppeals, entryItem),
    of('Awaiting your triage decision (rules 4.10)', d.pending, entryItem),
    of(`Due by ${d.dueSoonUntil} (within 3 working days)`, d.dueSoon, entryItem),
    of('Overdue (rules 4.11)', d.overdue, entryItem),
    of('Held as spam-flagged', d.held, heldItem),
    of('Outgoing mail that failed', d.failedMail, failedItem),
    of('Registered from the backlog, not answered automatically', d.backlogUnanswered, entryItem),
  ];
}

export function summaryLine(d: OmbudsmanDigestData): string {
  return [
    `${d.newAppeals.total} new`,
    `${d.pending.total} to triage`,
    `${d.dueSoon.total} due soon`,
    `${d.overdue.total} overdue`,
    `${d.held.total} held`,
    `${d.failedMail.total} failed mail`,
  ].join(', ');
}

export function renderOmbudsmanDigest(d: OmbudsmanDigestData): RenderedReport {
  const subject = `Senim digest ${d.date}: ${summaryLine(d)}`;
  return { subject, text: renderText(d), html: renderHtml(d) };
}

function headLine(d: OmbudsmanDigestData): string {
  return `Journal head: No. ${d.head.number}, sha256 ${d.head.hash} (check with: senim journal verify)`;
}

function renderText(d: OmbudsmanDigestData): string {
  const out: string[] = [`Senim digest for ${d.date} (built ${d.builtAt})`, summaryLine(d), ''];
  out.push('Mail intake');
  for (const s of d.healthSources) {
    out.push(
      `  ${s.source}: last successful poll ${s.lastSuccessAt ?? 'never'}` +
        (s.authExpiresAt ? `, credentials valid until ${s.authExpiresAt}` : ''),
    );
  }
  if (d.healthSources.length === 0) out.push('  no mail source has polled yet');
  for (const p of d.health) out.push(`  ! ${p}`);
  for (const b of blocks(d)) {
    out.push('', `${b.title}: ${b.total}`);
    if (b.total === 0) continue;
    for (const item of b.items) {
      out.push(`  ${item.title}`);
      for (const l of item.lines) out.push(`    ${l}`);
      for (const c of item.commands) out.push(`    $ ${c}`);
    }
    if (b.total > b.items.length) out.push(`  … and ${b.total - b.items.length} more`);
  }
  out.push('', headLine(d), '');
  return out.join('\n');
}

const MUTED = 'color:#555;font-size:12px';
const CODE = 'font-family:Consolas,Menlo,monospace;background:#f3f3f3;padding:1px 4px';

function renderHtml(d: OmbudsmanDigestData): string {
  const parts: string[] = [
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Senim digest</title></head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;color:#222;font-size:14px">',
    `<h2>Senim digest for ${escapeHtml(d.date)}</h2>`,
    `<p><b>${escapeHtml(summaryLine(d))}</b><br><span style="${MUTED}">built ${escapeHtml(d.builtAt)}</span></p>`,
    '<h3>Mail intake</h3><ul>',
  ];
  for (const s of d.healthSources) {
    parts.push(
      `<li>${escapeHtml(s.source)}: last successful poll ${escapeHtml(s.lastSuccessAt ?? 'never')}` +
        (s.authExpiresAt ? `, credentials valid until ${escapeHtml(s.authExpiresAt)}` : '') +
        '</li>',
    );
  }
  if (d.healthSources.length === 0) parts.push('<li>no mail source has polled yet</li>');
  for (const p of d.health) parts.push(`<li style="color:#b00020"><b>${escapeHtml(p)}</b></li>`);
  parts.push('</ul>');
  for (const b of blocks(d)) {
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
    if (b.total > b.items.length) parts.push(`<li>… and ${b.total - b.items.length} more</li>`);
    parts.push('</ul>');
  }
  parts.push(`<p style="${MUTED}">${escapeHtml(headLine(d))}</p></body></html>`);
  return parts.join('\n');
}
