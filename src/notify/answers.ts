/**
 * Answers to appellants, queued in the transaction that caused them: the acknowledgement of a new
 * appeal (rules 4.9), the redirect advice for one out of remit (rules 4.10), and the Ombudsman's
 * extension notice (rules 4.11). Implements the AnswerPort that registration calls.
 *
 * Nothing the appellant wrote reaches an answer (templates.ts has no field for it), and no
 * answer goes to an address the policy refuses or beyond the per-recipient rate limit (design:
 * never a mail loop, never backscatter). What was not sent is recorded on the entry as
 * 'answer-suppressed' with a reason code, so the Ombudsman can see it.
 */
import { asc, and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Language } from '../cases/appeal.models.js';
import type { AnswerContext, AnswerPort } from '../cases/answer.port.js';
import type { IsoDate } from '../cases/calendar.js';
import { answerAddressOf, insertEvent, type EntryRow } from '../cases/journal.repository.js';
import type { RegisteredAppeal } from '../cases/register.usecases.js';
import type { Config } from '../config.js';
import type { Queryable, Tx } from '../db/database.js';
import { messages } from '../db/schema.js';
import type { Vault } from '../db/vault.js';
import { SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import { mayAnswer } from './address-policy.js';
import { recordDeliveryReport } from './bounces.usecases.js';
import { ANSWER_OUTBOX_KIND } from './outbox.models.js';
import { countRecentAutomatic, findByDedupeKey, queueMail } from './outbox.repository.js';
import {
  renderAnswer,
  type AnswerKind,
  type RedirectAuthority,
  type RenderedMail,
} from './templates.js';

/** The body to advise for an out-of-remit matter, in one language (the redirect directory). */
export type RedirectLookup = (
  category: string | null,
  language: Language,
) => RedirectAuthority | null;

export interface AnswerDeps {
  vault: Vault;
  config: Pick<
    Config,
    | 'from'
    | 'ombudsmanEmail'
    | 'chairmanEmail'
    | 'rateLimitPerDay'
    | 'timeZone'
    | 'ombudsman'
    | 'dmarcFailBlocks'
  >;
  now: () => Date;
  redirects: RedirectLookup;
  log?: Logger;
}

export type AnswerOutcome =
  | { queued: true; outboxId: number; messageId: string; duplicate: boolean }
  | { queued: false; reason: string };

const DAY_MS = 86_400_000;

/**
 * The answer's languages: the appeal's own; kk+ru (the state and the official language) for one
 * written in a mix, so that the appellant can read at least one of them.
 */
export function answerLanguages(appeal: {
  language: Language;
  mixedLanguage: boolean;
}): Language[] {
  return appeal.mixedLanguage ? ['kk', 'ru'] : [appeal.language];
}

interface Threading {
  inReplyTo?: string | null;
  references?: string[];
}

interface AnswerRequest extends Threading {
  entryNumber: number;
  kind: AnswerKind;
  dedupeKey: string;
  to: string | null;
  automatic: boolean;
  render: () => RenderedMail;
}

export interface Answers extends AnswerPort {
  /**
   * The Ombudsman decided the scope (`senim triage`): redirect advice for out, the acknowledgement
   * for in if none was sent yet. Not rate limited.
   */
  afterTriage(
    tx: Tx,
    entry: EntryRow,
    decision: { scope: 'in' | 'out'; category: string; seq: number },
  ): Promise<AnswerOutcome>;
  /** rules 4.11: the due date was extended; tells the appellant in their language. Not rate limited. */
  extensionNotice(
    tx: Tx,
    entry: EntryRow,
    extension: { until: IsoDate; reason: string },
  ): Promise<AnswerOutcome>;
}

export function createAnswers(deps: AnswerDeps): Answers {
  const { config } = deps;

  async function suppressed(
    tx: Tx,
    entryNumber: number,
    kind: AnswerKind,
    reason: string,
  ): Promise<AnswerOutcome> {
    await insertEvent(tx, entryNumber, 'answer-suppressed', { kind, reason }, deps.now());
    deps.log?.info({ entry: entryNumber, kind, reason }, 'answer not sent');
    return { queued: false, reason };
  }

  async function answer(tx: Tx, request: AnswerRequest): Promise<AnswerOutcome> {
    const { entryNumber, kind } = request;
    const existing = await findByDedupeKey(tx, request.dedupeKey);
    if (existing) {
      return {
        queued: true,
        outboxId: existing.id,
        messageId: existing.messageId,
        duplicate: true,
      };
    }
    if (!request.to) return suppressed(tx, entryNumber, kind, 'no-address');
    const policy = mayAnswer(request.to, config);
    if (!policy.ok) return suppressed(tx, entryNumber, kind, policy.reason);
    const now = deps.now();
    if (request.automatic) {
      const recent = await countRecentAutomatic(
        tx,
        deps.vault.blindIndex(policy.address),
        new Date(now.getTime() - DAY_MS),
      );
      if (recent >= config.rateLimitPerDay) return suppressed(tx, entryNumber, kind, 'rate-limit');
    }
    let rendered: RenderedMail;
    try {
      rendered = request.render();
    } catch (error) {
      // A template or directory problem must not block registration (no appeal is lost): the
      // entry commits, the Ombudsman sees the suppressed answer and can act on it.
      if (error instanceof SenimError) {
        return suppressed(tx, entryNumber, kind, `render-failed:${error.code}`);
      }
      throw error;
    }
    const queued = await queueMail(
      tx,
      { vault: deps.vault, from: config.from, now },
      {
        dedupeKey: request.dedupeKey,
        kind: ANSWER_OUTBOX_KIND[kind],
        to: policy.address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        entryNumber,
        automatic: request.automatic,
        inReplyTo: request.inReplyTo ?? null,
        references: request.references ?? [],
      },
    );
    if (!queued.duplicate) {
      await insertEvent(
        tx,
        entryNumber,
        'answer-queued',
        { kind, outboxId: queued.id, messageId: queued.messageId, automatic: request.automatic },
        now,
      );
    }
    return {
      queued: true,
      outboxId: queued.id,
      messageId: queued.messageId,
      duplicate: queued.duplicate,
    };
  }

  function acknowledgement(
    appeal: { number: number; receivedAt: Date; dueDate: string },
    langs: Language[],
  ): () => RenderedMail {
    return () =>
      renderAnswer(
        'acknowledgement',
        langs,
        {
          number: appeal.number,
          receivedAt: appeal.receivedAt,
          dueDate: appeal.dueDate,
          ombudsman: { name: config.ombudsman.name, title: config.ombudsman.title },
        },
        { timeZone: config.timeZone },
      );
  }

  function redirect(
    number: number,
    category: string | null,
    langs: Language[],
  ): () => RenderedMail {
    return () => {
      const authority: Partial<Record<Language, RedirectAuthority>> = {};
      for (const lang of langs) {
        const found = deps.redirects(category, lang);
        if (found) authority[lang] = found;
      }
      return renderAnswer('redirect', langs, { number, authority }, { timeZone: config.timeZone });
    };
  }

  return {
    async afterRegistration(tx: Tx, appeal: RegisteredAppeal, context: AnswerContext) {
      // A backlog appeal (received long before we first saw it) is registered, not answered.
      if (appeal.backlog && context.automatic) {
        await suppressed(tx, appeal.number, 'acknowledgement', 'backlog');
        return;
      }
      const langs = answerLanguages(appeal);
      const out = appeal.scope === 'out';
      await answer(tx, {
        entryNumber: appeal.number,
        kind: out ? 'redirect' : 'acknowledgement',
        dedupeKey: `${out ? 'redirect' : 'ack'}:${appeal.number}`,
        to: context.to,
        automatic: context.automatic,
        inReplyTo: context.inReplyTo ?? null,
        references: context.references ?? [],
        render: out
          ? redirect(appeal.number, appeal.category, langs)
          : acknowledgement(appeal, langs),
      });
    },

    afterDeliveryReport(tx, report) {
      return recordDeliveryReport(
        tx,
        { now: deps.now, ...(deps.log ? { log: deps.log } : {}) },
        report,
      );
    },

    async afterTriage(tx, entry, decision) {
      const langs = answerLanguages(entry);
      const thread = await threadOf(tx, deps.vault, entry.number);
      const to = await answerAddressOf(tx, deps.vault, entry);
      if (decision.scope === 'in') {
        return answer(tx, {
          entryNumber: entry.number,
          kind: 'acknowledgement',
          dedupeKey: `ack:${entry.number}`,
          to,
          automatic: false,
          ...thread,
          render: acknowledgement(entry, langs),
        });
      }
      // The first redirect of an entry is `redirect:N`; a later decision naming another body gets
      // a mail of its own.
      const first = await findByDedupeKey(tx, `redirect:${entry.number}`);
      return answer(tx, {
        entryNumber: entry.number,
        kind: 'redirect',
        dedupeKey: first ? `redirect:${entry.number}:${decision.seq}` : `redirect:${entry.number}`,
        to,
        automatic: false,
        ...thread,
        render: redirect(entry.number, decision.category, langs),
      });
    },

    async extensionNotice(tx, entry, extension) {
      const langs = answerLanguages(entry);
      return answer(tx, {
        entryNumber: entry.number,
        kind: 'extension',
        dedupeKey: `extension:${entry.number}:${extension.until}`,
        to: await answerAddressOf(tx, deps.vault, entry),
        automatic: false,
        ...(await threadOf(tx, deps.vault, entry.number)),
        render: () =>
          renderAnswer(
            'extension',
            langs,
            { number: entry.number, dueDate: extension.until, reason: extension.reason },
            { timeZone: config.timeZone },
          ),
      });
    },
  };
}

/**
 * The appellant's own messages of an entry, oldest first, for In-Reply-To and References. The
 * messages table keeps Message-IDs only as keyed hashes: the IDs themselves are read from each
 * message's sealed parsed form (a shredded one is skipped).
 */
async function threadOf(q: Queryable, vault: Vault, entryNumber: number): Promise<Threading> {
  const found = await q
    .select({ keyId: messages.keyId, parsed: messages.parsed })
    .from(messages)
    .where(
      and(
        eq(messages.entryNumber, entryNumber),
        inArray(messages.kind, ['appeal', 'follow-up']),
        isNotNull(messages.messageId),
      ),
    )
    .orderBy(asc(messages.receivedAt), asc(messages.id));
  const ids: string[] = [];
  for (const row of found) {
    if (row.keyId === null || row.parsed === null) continue;
    const parsed = await vault
      .openJson<{ messageId: string | null }>(q, row.keyId, row.parsed)
      .catch(() => null);
    if (parsed?.messageId) ids.push(parsed.messageId);
  }
  return { inReplyTo: ids.at(-1) ?? null, references: ids };
}
