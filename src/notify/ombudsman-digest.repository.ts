/**
 * The Ombudsman's digest's SQL: new appeals, what awaits triage, what is due or overdue (present
 * state derived as in src/cases/case-state.ts), held mail, failed outgoing mail, unanswered
 * backlog. Each list is capped; its total is counted.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Queryable } from '../db/database.js';
import { NONE } from './chairman-report.js';
import { stateOf } from './chairman-report.repository.js';
import { NAMES_APPEAL_NOTE } from '../ingest/mail.models.js';
import {
  SECTION_CAP,
  type DigestEntry,
  type DigestFollowUp,
  type DigestHeld,
  type Section,
} from './ombudsman-digest.js';

interface RawEntryRow {
  number: number;
  received_at: string | Date;
  channel: string;
  scope: string;
  category: string;
  site: string;
  evidence: string[] | string;
  content: string;
  due: string;
  backlog: boolean;
  names_appeal: number | null;
  unanswered: boolean | null;
  total: number;
}

function toEntry(r: RawEntryRow): DigestEntry<Date> {
  const evidence: unknown = typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence;
  return {
    number: Number(r.number),
    receivedAt: new Date(r.received_at),
    channel: r.channel,
    scope: r.scope,
    category: r.category === NONE ? null : r.category,
    site: r.site === NONE ? null : r.site,
    evidence: Array.isArray(evidence) ? evidence.map(String) : [],
    content: r.content,
    dueDate: r.due,
    backlog: r.backlog,
    namesAppeal: r.names_appeal === null ? null : Number(r.names_appeal),
    unanswered: r.unanswered === true,
    urgent: Array.isArray(evidence) && evidence.some((e) => String(e).endsWith(URGENT_CUE)),
  };
}

/**
 * The appeal a message of the entry named in its subject from another address (intake's note
 * names-appeal:N): the Ombudsman may want to read the two together.
 */
const NAMES_APPEAL = sql`(select min(substr(x, ${NAMES_APPEAL_NOTE.length + 1})::int)
  from messages m, jsonb_array_elements_text(m.notes) x
  where m.entry_number = e.number and x like ${NAMES_APPEAL_NOTE + '%'}) as names_appeal,`;

/** Mail written to us that no answer could reach (answers.ts and intake record why). */
const UNANSWERED = sql`(e.channel = 'email' and not e.backlog
  and exists (select 1 from entry_events a where a.entry_number = e.number and a.kind = 'answer-suppressed')
  and not exists (select 1 from entry_events a where a.entry_number = e.number and a.kind = 'answer-queued')) as unanswered,`;

/** Triage's note on threats and revenge (NOTE_RULES `urgent`), as its evidence ends. */
const URGENT_CUE = '→ urgent';
const URGENT_EVIDENCE = `${URGENT_CUE}"`;

/** What a digest entry shows beside its present state. */
const ENTRY_COLUMNS = sql`e.content, e.evidence, ${NAMES_APPEAL} ${UNANSWERED}`;

/** Entries chosen by `where` (over the entry) and `having` (over its present state `s`), capped. */
async function entryList(
  q: Queryable,
  where: SQL,
  state: SQL,
  order: SQL,
): Promise<Section<DigestEntry<Date>>> {
  const found = await rows<RawEntryRow>(
    q,
    sql`select s.*, count(*) over ()::int as total
      from (${stateOf(where, ENTRY_COLUMNS)}) s
      where ${state}
      order by ${order}
      limit ${SECTION_CAP}`,
  );
  return { items: found.map(toEntry), total: Number(found[0]?.total ?? 0) };
}

export interface DigestQuery {
  since: number;
  upTo: number;
  today: string;
  dueSoonUntil: string;
}

export interface DigestLists {
  newAppeals: Section<DigestEntry<Date>>;
  pending: Section<DigestEntry<Date>>;
  dueSoon: Section<DigestEntry<Date>>;
  overdue: Section<DigestEntry<Date>>;
  backlogUnanswered: Section<DigestEntry<Date>>;
}

/**
 * The backlog has its own section (registered unanswered, due dates long past): it would bury the
 * day's work if it were listed as pending or overdue too.
 */
export async function digestLists(q: Queryable, d: DigestQuery): Promise<DigestLists> {
  // threats and revenge first: the section is capped, and they must not fall under «… и ещё N»
  const newAppeals = await entryList(
    q,
    sql`e.number > ${d.since} and e.number <= ${d.upTo}`,
    sql`true`,
    sql`position(${URGENT_EVIDENCE} in s.evidence::text) > 0 desc, s.number`,
  );
  const backlogUnanswered = await entryList(
    q,
    sql`e.number <= ${d.upTo} and e.backlog and not exists (select 1 from entry_events a
      where a.entry_number = e.number and a.kind = 'answer-queued')`,
    sql`s.status = 'open'`,
    sql`s.number`,
  );
  // One pass over the open cases for the three lists that need the present state of all of them.
  const found = await rows<RawEntryRow & { section: keyof DigestLists }>(
    q,
    sql`with s as (${stateOf(sql`e.number <= ${d.upTo} and not e.backlog`, ENTRY_COLUMNS, true)}),
    l as (
      select 'pending' as section, s.* from s where s.status = 'open' and s.scope = 'pending'
      union all
      select 'dueSoon', s.* from s
        where s.status = 'open' and s.due >= ${d.today} and s.due <= ${d.dueSoonUntil}
      union all
      select 'overdue', s.* from s where s.status = 'open' and s.due < ${d.today}
    )
    select * from (
      select l.*,
        row_number() over (partition by section
          order by case when section = 'pending' then number else 0 end, due, number) as rn,
        count(*) over (partition by section)::int as total
      from l) z
    where rn <= ${SECTION_CAP}
    order by section, rn`,
  );
  const pick = (section: keyof DigestLists): Section<DigestEntry<Date>> => {
    const mine = found.filter((r) => r.section === section);
    return { items: mine.map(toEntry), total: Number(mine[0]?.total ?? 0) };
  };
  return {
    newAppeals,
    pending: pick('pending'),
    dueSoon: pick('dueSoon'),
    overdue: pick('overdue'),
    backlogUnanswered,
  };
}

/**
 * Appeals that received follow-up mail after `since` (the previous digest; null: ever), with
 * whether some came from another address and whether the case is closed.
 */
export async function followUpList(
  q: Queryable,
  since: Date | null,
): Promise<Section<DigestFollowUp>> {
  const after = since ?? new Date(0);
  const found = await rows<{
    number: number;
    count: number;
    other_sender: boolean;
    closed: boolean;
    total: number;
  }>(
    q,
    sql`select f.entry_number as number, count(*)::int as count,
        bool_or(coalesce(m.notes @> '["follow-up:sender-differs"]'::jsonb, false)) as other_sender,
        exists (select 1 from entry_events c
          where c.entry_number = f.entry_number and c.kind = 'closure') as closed,
        count(*) over ()::int as total
      from entry_events f
      left join messages m on m.id = (f.payload->>'messageId')::bigint
      where f.kind = 'follow-up' and f.created_at > ${after.toISOString()}::timestamptz
      group by f.entry_number
      order by f.entry_number
      limit ${SECTION_CAP}`,
  );
  return {
    items: found.map((r) => ({
      number: Number(r.number),
      count: Number(r.count),
      otherSender: Boolean(r.other_sender),
      closed: Boolean(r.closed),
    })),
    total: Number(found[0]?.total ?? 0),
  };
}

/** Spam-flagged mail held for review (messages.status = 'held'). */
export async function heldMessages(q: Queryable): Promise<Section<DigestHeld<Date>>> {
  const found = await rows<{
    id: number;
    received_at: string | Date;
    kind: string;
    reason: string;
    total: number;
  }>(
    q,
    sql`select id, received_at, kind, reason, count(*) over ()::int as total
      from messages where status = 'held' order by received_at, id limit ${SECTION_CAP}`,
  );
  return {
    items: found.map((r) => ({
      id: Number(r.id),
      receivedAt: new Date(r.received_at),
      kind: r.kind,
      reason: r.reason,
    })),
    total: Number(found[0]?.total ?? 0),
  };
}
