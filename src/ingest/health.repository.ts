/**
 * Ingest health per source (table source_health): last successful poll, last error, when the
 * credentials stop working. `senim status` and the digests read it. Reasons are codes, never
 * personal data or message content (design: confidentiality).
 */
import { sql } from 'drizzle-orm';
import { rows, type Queryable } from '../db/database.js';
import { outbox, sourceHealth } from '../db/schema.js';

export type SourceName = 'imap' | 'smtp';

export interface SourceHealth {
  source: string;
  lastPollAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  authExpiresAt: Date | null;
  details: Record<string, unknown>;
}

/** Warn this long before credentials stop working (the issue: days before, not after). */
export const AUTH_WARNING_DAYS = 7;
const DAY_MS = 86_400_000;

export async function recordSuccess(
  q: Queryable,
  source: SourceName,
  at: Date,
  details: Record<string, unknown> = {},
): Promise<void> {
  await q
    .insert(sourceHealth)
    .values({ source, lastPollAt: at, lastSuccessAt: at, details, updatedAt: at })
    .onConflictDoUpdate({
      target: sourceHealth.source,
      set: {
        lastPollAt: at,
        lastSuccessAt: at,
        details: sql`${sourceHealth.details} || ${JSON.stringify(details)}::jsonb`,
        updatedAt: at,
      },
    });
}

/** `reason` is a code with no personal data (e.g. "imap-auth", "db-unreachable"). */
export async function recordFailure(
  q: Queryable,
  source: SourceName,
  at: Date,
  reason: string,
): Promise<void> {
  const lastError = reason.slice(0, 200);
  await q
    .insert(sourceHealth)
    .values({ source, lastPollAt: at, lastError, lastErrorAt: at, updatedAt: at })
    .onConflictDoUpdate({
      target: sourceHealth.source,
      set: { lastPollAt: at, lastError, lastErrorAt: at, updatedAt: at },
    });
}

export async function recordAuthExpiry(
  q: Queryable,
  source: SourceName,
  expiresAt: Date | null,
  at: Date,
): Promise<void> {
  await q
    .insert(sourceHealth)
    .values({ source, authExpiresAt: expiresAt, updatedAt: at })
    .onConflictDoUpdate({
      target: sourceHealth.source,
      set: { authExpiresAt: expiresAt, updatedAt: at },
    });
}

export async function readHealth(q: Queryable): Promise<SourceHealth[]> {
  return q.select().from(sourceHealth).orderBy(sourceHealth.source);
}

export interface OutboxCounts {
  queued: number;
  failed: number;
  held: number;
  sent: number;
}

/** Read straight from the outbox table: status needs no knowledge of the delivery code. */
export async function readOutboxCounts(q: Queryable): Promise<OutboxCounts> {
  const found = await rows<{ status: string; n: number | string }>(
    q,
    sql`select ${outbox.status} as status, count(*) as n from ${outbox} group by ${outbox.status}`,
  );
  const counts: OutboxCounts = { queued: 0, failed: 0, held: 0, sent: 0 };
  for (const row of found) {
    if (row.status in counts) counts[row.status as keyof OutboxCounts] = Number(row.n);
  }
  return counts;
}

/** A reason ingest is not healthy, as a code with the data to word it (no personal data). */
export type HealthProblem =
  | { kind: 'poll-failed'; source: string; reason: string | null; at: Date }
  | { kind: 'auth-expired'; source: string; expiresAt: Date }
  | { kind: 'auth-expiring'; source: string; days: number; expiresAt: Date }
  | { kind: 'no-recent-poll'; source: string }
  | { kind: 'outbox-failed'; count: number };

export type SourceProblem = Exclude<HealthProblem, { kind: 'outbox-failed' }>;

/**
 * Why a source is not healthy: the last poll error is more recent than the last success, the last
 * success is more than a day old (a daemon that died says nothing else), or the credentials
 * expire within AUTH_WARNING_DAYS (or have expired).
 */
export function sourceProblems(sources: SourceHealth[], now: Date): SourceProblem[] {
  const problems: SourceProblem[] = [];
  for (const { source, lastSuccessAt, lastErrorAt, lastError, authExpiresAt } of sources) {
    if (lastErrorAt && (!lastSuccessAt || lastErrorAt > lastSuccessAt)) {
      problems.push({ kind: 'poll-failed', source, reason: lastError, at: lastErrorAt });
    }
    if (lastSuccessAt && now.getTime() - lastSuccessAt.getTime() > DAY_MS) {
      problems.push({ kind: 'no-recent-poll', source });
    }
    if (authExpiresAt) {
      const days = (authExpiresAt.getTime() - now.getTime()) / DAY_MS;
      if (days <= 0) problems.push({ kind: 'auth-expired', source, expiresAt: authExpiresAt });
      else if (days <= AUTH_WARNING_DAYS) {
        problems.push({
          kind: 'auth-expiring',
          source,
          days: Math.ceil(days),
          expiresAt: authExpiresAt,
        });
      }
    }
  }
  return problems;
}

/**
 * Why ingest is not healthy; empty when healthy. The sources' problems, and outgoing mail that
 * failed permanently.
 */
export function healthProblems(
  sources: SourceHealth[],
  outboxCounts: OutboxCounts,
  now: Date,
): HealthProblem[] {
  const problems: HealthProblem[] = sourceProblems(sources, now);
  if (outboxCounts.failed > 0) problems.push({ kind: 'outbox-failed', count: outboxCounts.failed });
  return problems;
}

/** Days until the credentials stop working, or null when unknown. */
export function daysLeft(expiresAt: Date | null, now: Date): number | null {
  return expiresAt ? Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS) : null;
}
