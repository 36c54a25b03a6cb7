/**
 * The redirect directory (rules 4.10): for each out-of-scope category, the body that handles the
 * matter, so that the appellant can be "advised where to turn". Data the Ombudsman edits, in
 * config/redirect-directory.yaml; validated here once, at load.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Language } from './appeal.models.js';
import { InputError, coerceError } from '../errors.js';
import { OUT_CATEGORIES, type OutCategory } from './triage.js';

/** Works from src/cases (tsx) and from dist/cases (compiled): both are two levels below the root. */
export const DEFAULT_REDIRECT_DIRECTORY_PATH = fileURLToPath(
  new URL('../../config/redirect-directory.yaml', import.meta.url),
);

/** A type error reads "is missing" for an absent field, `expected` otherwise; others keep zod's text. */
const must = (expected: string) => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code !== 'invalid_type' ? undefined : issue.input === undefined ? 'is missing' : expected,
});
const text = z.string(must('must be text')).trim().min(1, 'must not be empty');
const localized = z.strictObject(
  { kk: text, ru: text, en: text },
  must('must be a map of kk, ru and en texts'),
);

const entrySchema = z.strictObject(
  {
    name: localized,
    matter: localized,
    address: localized.optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ()-]{4,}$/, 'must be a phone number such as +7 (727) 000 00 00')
      .optional(),
    site: z.url({ protocol: /^https?$/, error: 'must be an http(s) address' }).optional(),
    email: z.email('must be an e-mail address').optional(),
  },
  must('must be an entry with name, matter and contact fields'),
);

const entriesShape = Object.fromEntries(OUT_CATEGORIES.map((c) => [c, entrySchema])) as Record<
  OutCategory,
  typeof entrySchema
>;

const directorySchema = z.strictObject(
  {
    city: text.optional(),
    entries: z.strictObject(entriesShape, must('must be a map of categories to entries')),
  },
  must('must be a map with an `entries` key'),
);

export type RedirectDirectory = z.infer<typeof directorySchema>;
export type RedirectEntry = z.infer<typeof entrySchema>;

/** One body, in one language, as the acknowledgement shows it. */
export interface Redirect {
  name: string;
  /** what the body handles */
  matter: string;
  address?: string;
  phone?: string;
  site?: string;
  email?: string;
}

/** Validates a directory's text; `source` names it in errors (a path, usually). */
export function parseRedirectDirectory(yamlText: string, source: string): RedirectDirectory {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (thrown) {
    const cause = coerceError(thrown);
    throw new InputError(
      'redirect_directory_invalid',
      `${source}: not valid YAML: ${cause.message}`,
      { cause },
    );
  }
  const parsed = directorySchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.map(String).join('.') || '(top level)';
      return `${where}: ${issue.message}`;
    });
    throw new InputError(
      'redirect_directory_invalid',
      `${source}: invalid redirect directory: ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}

/** rules 4.10: loads and validates the redirect directory (default: config/redirect-directory.yaml). */
export function loadRedirectDirectory(
  path: string = DEFAULT_REDIRECT_DIRECTORY_PATH,
): RedirectDirectory {
  let yamlText: string;
  try {
    yamlText = readFileSync(path, 'utf8');
  } catch (thrown) {
    throw new InputError(
      'redirect_directory_unreadable',
      `${path}: cannot read the redirect directory`,
      {
        cause: coerceError(thrown),
      },
    );
  }
  return parseRedirectDirectory(yamlText, path);
}

/** rules 4.10: where to turn with a matter of this category, in the appellant's language. */
export function redirectFor(
  directory: RedirectDirectory,
  category: OutCategory,
  language: Language,
): Redirect {
  const entry = directory.entries[category];
  return {
    name: entry.name[language],
    matter: entry.matter[language],
    ...(entry.address ? { address: entry.address[language] } : {}),
    ...(entry.phone !== undefined ? { phone: entry.phone } : {}),
    ...(entry.site !== undefined ? { site: entry.site } : {}),
    ...(entry.email !== undefined ? { email: entry.email } : {}),
  };
}
