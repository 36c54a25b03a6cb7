/**
 * Configuration: one zod schema, parsed once from the environment (and an optional JSON/YAML file
 * named by SENIM_CONFIG; the environment wins). Keys are the environment variable names, so the
 * file and the environment speak the same language (contract: Configuration).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isIsoDate } from './cases/calendar.js';
import { InputError } from './errors.js';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const email = z.string().trim().email('an e-mail address like ombudsman@ales.kz');

const isoDateList = z
  .string()
  .trim()
  .transform((v) => (v === '' ? [] : v.split(/[\s,]+/)))
  .pipe(
    z.array(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'ISO dates YYYY-MM-DD, comma-separated')
        .refine(isIsoDate, 'real calendar dates YYYY-MM-DD, comma-separated'),
    ),
  );

const hostPort = z
  .string()
  .trim()
  .regex(/^(off|[^\s:]+:\d{1,5})$/, 'host:port (e.g. 127.0.0.1:2525) or off')
  // port 0 asks for any free port (tests, a listener beside another)
  .refine(
    (v) => v === 'off' || validPort(v.slice(v.lastIndexOf(':') + 1), 0),
    'a port from 0 to 65535',
  );

function validPort(port: string, lowest = 1): boolean {
  const n = Number(port);
  return Number.isInteger(n) && n >= lowest && n <= 65535;
}

const timeZone = z
  .string()
  .trim()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Asia/Almaty');

const encryptionKey = z
  .string()
  .trim()
  .refine(
    (v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32,
    '32 bytes in base64 (generate one with: openssl rand -base64 32)',
  );

const databaseUrl = z
  .string()
  .trim()
  .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL');

const smtpUrl = z
  .string()
  .trim()
  .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL (smtp://user:pass@host:port)')
  .refine(parsesAsSmtpUrl, 'an smtp:// URL with a host and, if any, a port from 1 to 65535');

/** The URL parses, names a host, and its port (when given) is one; never echoed (a password). */
function parsesAsSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.hostname !== '' && (url.port === '' || validPort(url.port));
  } catch {
    return false;
  }
}

/** Every setting: name → schema, documented in README.md (Configuration). */
const settings = z.object({
  DATABASE_URL: databaseUrl.optional(),
  SENIM_DATA_DIR: z.string().trim().min(1).default('./data'),
  SENIM_CONFIG: z.string().optional(),

  IMAP_HOST: z.string().trim().min(1).optional(),
  IMAP_PORT: int(1, 65535).default(993),
  IMAP_USER: z.string().trim().min(1).optional(),
  IMAP_PASSWORD: z.string().optional(),
  IMAP_TLS: bool.default(true),
  IMAP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  IMAP_MAILBOX: z.string().trim().min(1).default('INBOX'),
  IMAP_AUTH: z.enum(['password', 'xoauth2']).default('password'),
  IMAP_OAUTH_TOKEN_URL: z.string().trim().url().optional(),
  IMAP_OAUTH_CLIENT_ID: z.string().trim().min(1).optional(),
  IMAP_OAUTH_CLIENT_SECRET: z.string().optional(),
  IMAP_OAUTH_REFRESH_TOKEN: z.string().optional(),
  IMAP_OAUTH_SCOPE: z
    .string()
    .trim()
    .default('https://outlook.office365.com/IMAP.AccessAsUser.All offline_access'),
  IMAP_PASSWORD_EXPIRES: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'an ISO date YYYY-MM-DD')
    .optional(),
  IMAP_POLL_SECONDS: int(5, 86_400).default(60),
  IMAP_MARK: z.enum(['keyword', 'move']).default('keyword'),
  IMAP_MARK_KEYWORD: z
    .string()
    .trim()
    .regex(/^\$?[A-Za-z0-9_]+$/, 'an IMAP keyword like $SenimRegistered')
    .default('$SenimRegistered'),
  IMAP_MOVE_TO: z.string().trim().min(1).default('Senim/Registered'),

  SMTP_URL: smtpUrl.optional(),
  SMTP_LISTEN: hostPort.optional(),
  SMTP_LISTEN_MAX_BYTES: int(1024, 1_073_741_824).default(52_428_800),
  SENIM_FROM: email.default('ombudsman@ales.kz'),
  OMBUDSMAN_EMAIL: email.optional(),
  CHAIRMAN_EMAIL: email.optional(),
  SENIM_OMBUDSMAN_NAME: z.string().trim().min(1).optional(),
  SENIM_OMBUDSMAN_TITLE: z.string().trim().min(1).optional(),

  SENIM_TZ: timeZone.default('Asia/Almaty'),
  SENIM_ENCRYPTION_KEY: encryptionKey.optional(),
  SENIM_ANSWER_MAX_AGE_DAYS: int(0, 36_500).default(14),
  SENIM_DUE_WORKING_DAYS: int(1, 365).default(15),
  SENIM_EXTRA_WORKING_DAYS: isoDateList.default([]),
  SENIM_EXTRA_DAYS_OFF: isoDateList.default([]),
  SENIM_MAX_MESSAGE_BYTES: int(1024, 1_073_741_824).default(52_428_800),
  SENIM_RATE_LIMIT_PER_DAY: int(0, 10_000).default(5),
  SENIM_INTERIM_THRESHOLD: int(1, 1_000_000).default(10),
  SENIM_SPAM_HEADERS: bool.default(true),
  SENIM_DMARC_FAIL_BLOCKS: bool.default(true),
  SENIM_REDIRECT_DIRECTORY: z.string().trim().min(1).optional(),
  SENIM_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  SENIM_SHUTDOWN_SECONDS: int(1, 600).default(20),
});

type Settings = z.infer<typeof settings>;

export interface ImapConfig {
  host: string;
  port: number;
  user: string;
  tls: boolean;
  rejectUnauthorized: boolean;
  mailbox: string;
  pollSeconds: number;
  mark: { kind: 'keyword'; keyword: string } | { kind: 'move'; folder: string; keyword: string };
  auth:
    | { kind: 'password'; password: string; expires: string | null }
    | {
        kind: 'xoauth2';
        tokenUrl: string;
        clientId: string;
        clientSecret: string | null;
        refreshToken: string;
        scope: string;
      };
}

export interface Config {
  database: { kind: 'postgres'; url: string } | { kind: 'pglite' };
  dataDir: string;
  /** 32 bytes, or null in embedded mode when a key is to be generated into dataDir */
  encryptionKey: Buffer | null;
  imap: ImapConfig | null;
  smtpListen: { host: string; port: number; maxBytes: number } | null;
  smtpUrl: string | null;
  from: string;
  ombudsmanEmail: string | null;
  chairmanEmail: string | null;
  ombudsman: { name: string | null; title: string | null };
  timeZone: string;
  answerMaxAgeDays: number;
  dueWorkingDays: number;
  calendarOverrides: { workingDays: string[]; daysOff: string[] };
  maxMessageBytes: number;
  rateLimitPerDay: number;
  interimThreshold: number;
  spamHeaders: boolean;
  dmarcFailBlocks: boolean;
  redirectDirectoryPath: string | null;
  logLevel: Settings['SENIM_LOG_LEVEL'];
  shutdownSeconds: number;
  /** non-fatal findings to print at start (never secrets) */
  warnings: string[];
}

export type Env = Record<string, string | undefined>;

/** Reads the optional config file; its keys are the same names as the environment variables. */
export function readConfigFile(file: string): Env {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError('config-file', `SENIM_CONFIG: cannot read ${file}`, { cause: error });
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InputError('config-file', `SENIM_CONFIG: ${file} is not valid JSON/YAML`, {
      cause: error,
    });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('config-file', `SENIM_CONFIG: ${file} must hold a map of settings`);
  }
  const env: Env = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    env[key] = Array.isArray(value) ? value.map(String).join(',') : String(value as string);
  }
  return env;
}

/**
 * Parses the whole configuration, reporting every bad or missing value by name with what is
 * expected. Never echoes a value: secrets must not reach output.
 */
export function parseConfig(env: Env): Config {
  const fromFile = env.SENIM_CONFIG ? readConfigFile(env.SENIM_CONFIG) : {};
  const merged: Env = { ...fromFile };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const known = Object.fromEntries(
    Object.keys(settings.shape).flatMap((k) => (merged[k] === undefined ? [] : [[k, merged[k]]])),
  );
  const unknownFileKeys = Object.keys(fromFile).filter((k) => !(k in settings.shape));
  const parsed = settings.safeParse(known);
  const problems: string[] = unknownFileKeys.map(
    (k) => `${k}: not a Senim setting (see README, Configuration)`,
  );
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: expected ${describeIssue(issue)}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new InputError('config', `Configuration is not valid:\n  ${problems.join('\n  ')}`);
  }
  return toConfig(parsed.data);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `a value (${issue.message})`;
  if (issue.code === 'too_big') return `at most ${String(issue.maximum)}`;
  if (issue.code === 'too_small') return `at least ${String(issue.minimum)}`;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  return issue.message;
}

function toConfig(s: Settings): Config {
  const problems: string[] = [];
  const warnings: string[] = [];
  const imap = imapConfig(s, problems);
  if (s.DATABASE_URL && !s.SENIM_ENCRYPTION_KEY) {
    problems.push(
      'SENIM_ENCRYPTION_KEY: required with DATABASE_URL (32 bytes in base64: openssl rand -base64 32)',
    );
  }
  if (problems.length > 0) {
    throw new InputError('config', `Configuration is not valid:\n  ${problems.join('\n  ')}`);
  }
  if (!s.OMBUDSMAN_EMAIL) {
    warnings.push('OMBUDSMAN_EMAIL is not set: the Ombudsman digest stays in the outbox');
  }
  if (!s.CHAIRMAN_EMAIL) {
    warnings.push("CHAIRMAN_EMAIL is not set: the Chairman's report stays in the outbox");
  }
  const listen = s.SMTP_LISTEN ?? (imap ? 'off' : '127.0.0.1:2525');
  return {
    database: s.DATABASE_URL ? { kind: 'postgres', url: s.DATABASE_URL } : { kind: 'pglite' },
    dataDir: path.resolve(s.SENIM_DATA_DIR),
    encryptionKey: s.SENIM_ENCRYPTION_KEY ? Buffer.from(s.SENIM_ENCRYPTION_KEY, 'base64') : null,
    imap,
    smtpListen:
      listen === 'off'
        ? null
        : {
            host: listen.slice(0, listen.lastIndexOf(':')),
            port: Number(listen.slice(listen.lastIndexOf(':') + 1)),
            maxBytes: s.SMTP_LISTEN_MAX_BYTES,
          },
    smtpUrl: s.SMTP_URL ?? null,
    from: s.SENIM_FROM,
    ombudsmanEmail: s.OMBUDSMAN_EMAIL ?? null,
    chairmanEmail: s.CHAIRMAN_EMAIL ?? null,
    ombudsman: { name: s.SENIM_OMBUDSMAN_NAME ?? null, title: s.SENIM_OMBUDSMAN_TITLE ?? null },
    timeZone: s.SENIM_TZ,
    answerMaxAgeDays: s.SENIM_ANSWER_MAX_AGE_DAYS,
    dueWorkingDays: s.SENIM_DUE_WORKING_DAYS,
    calendarOverrides: { workingDays: s.SENIM_EXTRA_WORKING_DAYS, daysOff: s.SENIM_EXTRA_DAYS_OFF },
    maxMessageBytes: s.SENIM_MAX_MESSAGE_BYTES,
    rateLimitPerDay: s.SENIM_RATE_LIMIT_PER_DAY,
    interimThreshold: s.SENIM_INTERIM_THRESHOLD,
    spamHeaders: s.SENIM_SPAM_HEADERS,
    dmarcFailBlocks: s.SENIM_DMARC_FAIL_BLOCKS,
    redirectDirectoryPath: s.SENIM_REDIRECT_DIRECTORY ?? null,
    logLevel: s.SENIM_LOG_LEVEL,
    shutdownSeconds: s.SENIM_SHUTDOWN_SECONDS,
    warnings,
  };
}

function imapConfig(s: Settings, problems: string[]): ImapConfig | null {
  if (!s.IMAP_HOST) {
    if (s.IMAP_USER) problems.push('IMAP_HOST: required when IMAP_USER is set');
    return null;
  }
  if (!s.IMAP_USER) problems.push('IMAP_USER: required when IMAP_HOST is set');
  let auth: ImapConfig['auth'] | null = null;
  if (s.IMAP_AUTH === 'password') {
    if (s.IMAP_PASSWORD === undefined) {
      problems.push('IMAP_PASSWORD: required with IMAP_AUTH=password');
    } else {
      auth = {
        kind: 'password',
        password: s.IMAP_PASSWORD,
        expires: s.IMAP_PASSWORD_EXPIRES ?? null,
      };
    }
  } else {
    const missing = (
      ['IMAP_OAUTH_TOKEN_URL', 'IMAP_OAUTH_CLIENT_ID', 'IMAP_OAUTH_REFRESH_TOKEN'] as const
    ).filter((k) => !s[k]);
    for (const k of missing) problems.push(`${k}: required with IMAP_AUTH=xoauth2`);
    if (missing.length === 0) {
      auth = {
        kind: 'xoauth2',
        tokenUrl: s.IMAP_OAUTH_TOKEN_URL!,
        clientId: s.IMAP_OAUTH_CLIENT_ID!,
        clientSecret: s.IMAP_OAUTH_CLIENT_SECRET ?? null,
        refreshToken: s.IMAP_OAUTH_REFRESH_TOKEN!,
        scope: s.IMAP_OAUTH_SCOPE,
      };
    }
  }
  if (!auth || !s.IMAP_USER) return null;
  return {
    host: s.IMAP_HOST,
    port: s.IMAP_PORT,
    user: s.IMAP_USER,
    tls: s.IMAP_TLS,
    rejectUnauthorized: s.IMAP_TLS_REJECT_UNAUTHORIZED,
    mailbox: s.IMAP_MAILBOX,
    pollSeconds: s.IMAP_POLL_SECONDS,
    mark:
      s.IMAP_MARK === 'keyword'
        ? { kind: 'keyword', keyword: s.IMAP_MARK_KEYWORD }
        : { kind: 'move', folder: s.IMAP_MOVE_TO, keyword: s.IMAP_MARK_KEYWORD },
    auth,
  };
}
