/**
 * What `senim case show N` prints: one appeal for the Ombudsman (the only role that sees identities,
 * rules 2.1–2.3): its Appendix 1 columns, present state, triage evidence, every message with its
 * full text and attachments, and its history. An anonymous entry shows «anonymous»; the address
 * kept apart to answer it (rules 4.9) and its messages' senders are shown only when asked for.
 */
import type { Queryable } from '../db/database.js';
import type { Vault } from '../db/vault.js';
import { InputError } from '../errors.js';
import {
  messagesOfEntry,
  type MessageRow,
  type StoredParsed,
  sealedRaw,
} from '../ingest/messages.repository.js';
import type { Appellant } from './appeal.models.js';
import { caseState, type CaseState } from './case-state.js';
import { isoWithOffset } from './journal.export.js';
import {
  answerAddressOf,
  appellantOf,
  eventsOf,
  findEntry,
  type EntryRow,
  type EventRow,
} from './journal.repository.js';

export interface CaseViewOptions {
  /** show the anonymous entry's kept-apart answer address and its messages' senders */
  revealAnonymous?: boolean;
}

export interface MessageView {
  id: number;
  receivedAt: Date;
  kind: string;
  status: string;
  reason: string;
  notes: string[];
  rawSize: number;
  rawSha256: string;
  /** null when the message's key was shredded */
  parsed: StoredParsed | null;
}

export interface CaseView {
  entry: EntryRow;
  /** null for an anonymous entry (rules 4.14: column c stays empty) */
  appellant: Appellant | null;
  /** only when asked for (anonymous entries), else null */
  answerAddress: string | null;
  revealed: boolean;
  state: CaseState;
  messages: MessageView[];
  history: EventRow[];
}

export async function loadCaseView(
  q: Queryable,
  vault: Vault,
  number: number,
  options: CaseViewOptions = {},
): Promise<CaseView> {
  const entry = await findEntry(q, number);
  if (!entry) throw new InputError('unknown-entry', `No entry No. ${number} in the journal`);
  const history = await eventsOf(q, number);
  const revealed = entry.anonymous && options.revealAnonymous === true;
  const appellant = entry.anonymous ? null : await appellantOf(q, vault, entry).catch(() => null);
  const answerAddress = revealed ? await answerAddressOf(q, vault, entry) : null;
  const messages: MessageView[] = [];
  for (const row of await messagesOfEntry(q, number)) {
    messages.push({
      id: row.id,
      receivedAt: row.receivedAt,
      kind: row.kind,
      status: row.status,
      reason: row.reason,
      notes: row.notes,
      rawSize: row.rawSize,
      rawSha256: row.rawSha256,
      parsed: await openParsed(q, vault, row),
    });
  }
  return {
    entry,
    appellant,
    answerAddress,
    revealed,
    state: caseState(entry, history),
    messages,
    history,
  };
}

export async function openParsed(
  q: Queryable,
  vault: Vault,
  row: MessageRow,
): Promise<StoredParsed | null> {
  if (!row.parsed || row.keyId === null) return null;
  try {
    return await vault.openJson<StoredParsed>(q, row.keyId, row.parsed);
  } catch {
    return null; // shredded (retention): the rest of the case is still shown
  }
}

/**
 * The original message as received (`senim case raw N [--message K]`): the decrypted bytes, whose
 * SHA-256 is the one recorded. K is a message id shown by `case show`; default the first message.
 */
export async function rawOfCase(
  q: Queryable,
  vault: Vault,
  number: number,
  messageId?: number,
): Promise<Buffer> {
  const entry = await findEntry(q, number);
  if (!entry) throw new InputError('unknown-entry', `No entry No. ${number} in the journal`);
  const list = await messagesOfEntry(q, number);
  if (list.length === 0) {
    throw new InputError(
      'no-message',
      `Entry No. ${number} has no e-mail (channel ${entry.channel})`,
    );
  }
  const row = messageId === undefined ? list[0]! : list.find((m) => m.id === messageId);
  if (!row) {
    throw new InputError(
      'unknown-message',
      `Entry No. ${number} has no message ${messageId}; its messages: ${list.map((m) => m.id).join(', ')}`,
    );
  }
  const sealed = await sealedRaw(q, row);
  if (!sealed || row.keyId === null) {
    throw new InputError('message-shredded', `Message ${row.id} has no original any more`);
  }
  return vault.open(q, row.keyId, sealed);
}

// ------------------------------------------------------------------------------- rendering

// Mail is hostile: nothing from it may drive the terminal (C1 controls, ESC, bidi overrides).
const TERMINAL_UNSAFE =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(TERMINAL_UNSAFE, '');
}

function line(text: string): string {
  return terminalSafe(text).replace(/\s+/g, ' ').trim();
}

function when(instant: Date, timeZone: string): string {
  return isoWithOffset(instant, timeZone).replace('T', ' ');
}

function field(label: string, value: string | null | undefined): string {
  return `  ${(label + ':').padEnd(22)}${value === null || value === undefined || value === '' ? '—' : line(value)}`;
}

function payloadText(payload: Record<string, unknown>): string {
  return Object.entries(payload)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? line(v) : JSON.stringify(v)}`)
    .join(', ');
}

function indent(text: string): string {
  return terminalSafe(text)
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

export function renderCaseView(view: CaseView, timeZone: string): string {
  const { entry, state } = view;
  const a = view.appellant;
  const out: string[] = [];
  out.push(
    `Appeal No. ${entry.number}${entry.backlog ? '  [backlog: registered late, not answered automatically]' : ''}`,
  );
  out.push('');
  out.push('Journal (Appendix 1)');
  out.push(field('1 Number', String(entry.number)));
  out.push(field('2 Received', `${when(entry.receivedAt, timeZone)} (${timeZone})`));
  if (entry.anonymous) {
    out.push(field('3 Name', '«anonymous»'));
    out.push(field('4 Address, phone', '«anonymous»'));
  } else {
    out.push(field('3 Name', a?.fullName));
    out.push(field('4 Address, phone', [a?.address, a?.phone].filter(Boolean).join(', ')));
  }
  out.push(field('5 Content', entry.content));
  if (!entry.anonymous) {
    out.push(field('6 Legal form, name', [a?.legalForm, a?.orgName].filter(Boolean).join(' ')));
    out.push(field('7 Reply address', a?.replyAddress));
  } else {
    out.push(field('6 Legal form, name', '«anonymous»'));
    out.push(
      field(
        '7 Reply address',
        view.revealed
          ? `${view.answerAddress ?? '—'} (kept apart, never exported)`
          : '«anonymous» (kept apart; --reveal-anonymous shows it)',
      ),
    );
  }
  out.push('');
  out.push('Case');
  out.push(field('Channel', entry.channel));
  out.push(field('Language', `${entry.language}${entry.mixedLanguage ? ' (mixed kk/ru)' : ''}`));
  out.push(field('Scope', state.scope));
  out.push(field('Category', state.category));
  out.push(field('Site', entry.site));
  out.push(field('Triage evidence', entry.evidence.length ? entry.evidence.join('; ') : null));
  out.push(field('Due date', `${state.dueDate}${state.extended ? ' (extended)' : ''}`));
  out.push(
    field(
      'Status',
      `${state.status}${state.closedAt ? ` on ${when(state.closedAt, timeZone)}` : ''}${state.outcome ? `: ${state.outcome}` : ''}`,
    ),
  );
  const returned = bouncedAnswers(view.history, timeZone);
  if (returned) out.push(field('Answer delivery', returned));
  out.push(field('Registered', when(entry.registeredAt, timeZone)));
  out.push(field('Chain hash', entry.hash));

  out.push('');
  out.push(`Messages (${view.messages.length})`);
  if (view.messages.length === 0) out.push('  none (not an e-mail appeal)');
  view.messages.forEach((m, i) => out.push(...renderMessage(m, i + 1, view, timeZone)));

  out.push('');
  out.push(`History (${view.history.length})`);
  if (view.history.length === 0) out.push('  none');
  for (const e of view.history) {
    out.push(
      `  ${when(e.createdAt, timeZone)}  #${e.seq} ${e.kind}${Object.keys(e.payload).length ? `: ${payloadText(e.payload)}` : ''}`,
    );
  }
  return out.join('\n') + '\n';
}

/** Our mail to the appellant that came back undelivered, from the history; null when none did. */
function bouncedAnswers(history: readonly EventRow[], timeZone: string): string | null {
  const bounced = history.filter((e) => e.kind === 'answer-bounced');
  if (bounced.length === 0) return null;
  const each = bounced.map((e) => {
    const { kind, status } = e.payload;
    const code = typeof status === 'string' ? status : 'no status';
    return `${typeof kind === 'string' ? kind : 'mail'} RETURNED undelivered ${when(e.createdAt, timeZone)} (${code})`;
  });
  return `${each.join('; ')}: the appellant has not received it, reach them another way`;
}

function renderMessage(
  m: MessageView,
  ordinal: number,
  view: CaseView,
  timeZone: string,
): string[] {
  const out: string[] = [''];
  out.push(
    `  — Message ${ordinal} (id ${m.id}, ${m.kind}, ${m.status}) — senim case raw ${view.entry.number} --message ${m.id}`,
  );
  out.push(field('Received', when(m.receivedAt, timeZone)));
  const p = m.parsed;
  if (!p) {
    out.push('  (its content is no longer readable: key shredded)');
    return out;
  }
  const hideSenders = view.entry.anonymous && !view.revealed;
  const who = (x: StoredParsed['from']) =>
    x ? [x.name, x.address ? `<${x.address}>` : ''].filter(Boolean).join(' ') : null;
  out.push(field('From', hideSenders ? '«anonymous»' : who(p.from)));
  if (p.replyTo && !hideSenders) out.push(field('Reply-To', who(p.replyTo)));
  out.push(field('Subject', p.subject));
  out.push(field('Date header', p.date ? `${p.date} (sender's clock, untrusted)` : null));
  out.push(field('Size, SHA-256', `${m.rawSize} bytes, ${m.rawSha256}`));
  if (m.notes.length) out.push(field('Notes', m.notes.join('; ')));
  if (m.reason && m.kind === 'follow-up') out.push(field('Attached by', m.reason));
  out.push(`  Text${p.htmlOnly ? ' (from HTML)' : ''}:`);
  out.push(p.text.trim() ? indent(p.text) : '    (no readable text)');
  if (p.attachments.length) {
    out.push(`  Attachments (${p.attachments.length}):`);
    for (const att of p.attachments) {
      out.push(
        `    - ${line(att.filename ?? '(unnamed)')}  ${line(att.contentType)}  ${att.size} bytes  sha256 ${att.sha256}`,
      );
    }
  }
  return out;
}
