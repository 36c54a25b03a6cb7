/** Runs a command with the app opened from the environment, and closes it after. */
import { openApp, type App } from '../app.js';
import { parseConfig, type Config } from '../config.js';
import { zonedDateTime } from '../cases/calendar.js';
import { deliverOnce } from '../wiring.js';
import { info } from './io.js';

export function loadConfig(): Config {
  return parseConfig(process.env);
}

export async function withApp<T>(
  fn: (app: App) => Promise<T>,
  options: { quietWarnings?: boolean; requireKey?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  if (!options.quietWarnings) for (const w of config.warnings) info(`warning: ${w}`);
  const app = await openApp(config, { requireKey: options.requireKey });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/**
 * A command's mail has committed to the outbox: try due mail once now, as `digest --send` does, so
 * that with the file outbox it is on disk at once. A failure leaves it queued for the daemon's
 * next retry, and the command still succeeds: what it recorded stands.
 */
export async function deliverNow(app: App): Promise<void> {
  try {
    const r = await deliverOnce(app);
    info(`Delivery: ${r.sent} sent, ${r.retried} to be retried, ${r.failed} failed.`);
  } catch (error) {
    app.log.warn({ reason: codeOf(error) }, 'delivery attempt failed');
    info('Delivery not attempted now: the mail stays queued for the daemon.');
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

/** The instant of a local wall-clock time ('YYYY-MM-DDTHH:mm[:ss]') in an IANA zone. */
export function localToInstant(local: string, timeZone: string): Date {
  const asUtc = Date.parse(local.length === 16 ? `${local}:00Z` : `${local}Z`);
  let instant = asUtc;
  // Two passes settle the offset, also next to a change of offset (Almaty, 1 March 2024).
  for (let i = 0; i < 2; i++) {
    const { date, time } = zonedDateTime(new Date(instant), timeZone);
    const seenAsUtc = Date.parse(`${date}T${time}:00Z`) + (instant % 60_000);
    instant += asUtc - seenAsUtc;
  }
  return new Date(instant);
}
