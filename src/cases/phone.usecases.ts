/**
 * Phone appeals typed in by the Ombudsman (rules 4.9, 4.17): validated before anything is written,
 * so a bad date, a missing content or an unparseable phone consumes no number.
 */
import { InputError } from '../errors.js';
import type { Db } from '../db/database.js';
import { EMPTY_APPELLANT, LANGUAGES, type Language } from './appeal.models.js';
import { normalisePhones } from './phone.js';
import {
  registerAppeal,
  type AppealInput,
  type RegisteredAppeal,
  type RegistrationDeps,
} from './register.usecases.js';
import type { AnswerPort } from './answer.port.js';

export interface PhoneAppealFlags {
  content?: string;
  name?: string;
  address?: string;
  phone?: string;
  legalForm?: string;
  org?: string;
  replyAddress?: string;
  anonymous?: boolean;
  receivedAt?: Date;
  language?: string;
}

/**
 * One line of typed text: control characters (an ESC sequence would reach the exported journal)
 * and runs of whitespace become single spaces.
 */
const clean = (v: string | undefined): string | null => {
  // eslint-disable-next-line no-control-regex
  const t = v?.replace(/[\s\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  return t ? t : null;
};

/** Column 5 is a brief content: as long as an e-mail appeal's (extract.ts) at most. */
const MAX_CONTENT_CHARS = 2000;

/** The personal-data flags an anonymous appeal must not carry (rules 4.14: none is stored). */
const PERSONAL_FLAGS = [
  ['name', '--name'],
  ['address', '--address'],
  ['phone', '--phone'],
  ['legalForm', '--legal-form'],
  ['org', '--org'],
] as const;

/** Pure validation: flags → what will be registered. Throws InputError naming the bad flag. */
export function phoneAppealInput(flags: PhoneAppealFlags, now: Date): AppealInput {
  const content = clean(flags.content);
  if (!content)
    throw new InputError(
      'missing-content',
      '--content is required: the brief content of the appeal (rules 4.14 d)',
    );
  if (content.length > MAX_CONTENT_CHARS) {
    throw new InputError(
      'content-too-long',
      `--content: the brief content is at most ${MAX_CONTENT_CHARS} characters (got ${content.length}); the full text belongs in the case file`,
    );
  }
  if (flags.language !== undefined && !(LANGUAGES as readonly string[]).includes(flags.language)) {
    throw new InputError(
      'bad-language',
      `--language: expected kk, ru or en, got "${flags.language.slice(0, 10)}"`,
    );
  }
  if (flags.anonymous === true) {
    const given = PERSONAL_FLAGS.filter(([key]) => clean(flags[key]) !== null).map(([, f]) => f);
    if (given.length > 0) {
      throw new InputError(
        'anonymous-with-personal-data',
        `--anonymous stores no personal data: drop ${given.join(', ')} (only --reply-address is kept, apart, to answer)`,
      );
    }
  }
  const receivedAt = flags.receivedAt ?? now;
  if (receivedAt.getTime() > now.getTime() + 60_000) {
    throw new InputError(
      'future-date',
      '--received-at: the appeal cannot be received in the future',
    );
  }
  let phone: string | null = null;
  if (clean(flags.phone)) {
    try {
      phone = normalisePhones(flags.phone!);
    } catch (error) {
      throw new InputError(
        'bad-phone',
        '--phone: not a valid phone number (e.g. 8 701 123 45 67 or +7 727 227 70 80)',
        {
          cause: error,
        },
      );
    }
  }
  const anonymous = flags.anonymous === true;
  const replyAddress = clean(flags.replyAddress);
  const appellant = anonymous
    ? EMPTY_APPELLANT
    : {
        fullName: clean(flags.name),
        address: clean(flags.address),
        phone,
        legalForm: clean(flags.legalForm),
        orgName: clean(flags.org),
        replyAddress,
      };
  return {
    receivedAt,
    channel: 'phone',
    anonymous,
    appellant,
    answerAddress: replyAddress && replyAddress.includes('@') ? replyAddress : null,
    content,
    language: flags.language as Language | undefined,
  };
}

export async function registerPhoneAppeal(
  db: Db,
  deps: RegistrationDeps & { answers?: AnswerPort },
  flags: PhoneAppealFlags,
): Promise<RegisteredAppeal> {
  const now = deps.now?.() ?? new Date();
  const input = phoneAppealInput(flags, now);
  return db.transaction(async (tx) => {
    const appeal = await registerAppeal(tx, deps, input);
    // A phone appeal that left a reply e-mail gets the written acknowledgement too (issue: answers).
    if (deps.answers && input.answerAddress) {
      await deps.answers.afterRegistration(tx, appeal, {
        to: input.answerAddress,
        automatic: false,
      });
    }
    return appeal;
  });
}
