/**
 * The daemon (`senim start`), the one composition root: configuration → database and migrations →
 * delivery → intake (IMAP and/or the inbound SMTP listener) → schedules. SIGINT/SIGTERM stop them
 * in reverse order within SENIM_SHUTDOWN_SECONDS, finishing the message in hand.
 */
import { openApp, type App } from './app.js';
import type { Config } from './config.js';
import { shippedTriageModel } from './cases/triage.model.js';
import { startIngest } from './ingest/ingest.runner.js';
import { startSmtpListener } from './ingest/smtp.source.js';
import { startDelivery } from './notify/delivery.js';
import { startScheduler } from './notify/scheduler.js';
import { answersFor, intakeFor, transportFor } from './wiring.js';

interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export interface Daemon {
  app: App;
  /** resolves once every part has stopped (or the time limit passed) */
  stop(): Promise<void>;
}

export async function startDaemon(
  config: Config,
  options: { now?: () => Date } = {},
): Promise<Daemon> {
  const app = await openApp(config, { now: options.now, owner: true });
  const log = app.log;
  const started: Stoppable[] = [{ name: 'database', stop: () => app.close() }];

  // --- The embedded database (design): serve it to the commands run beside the daemon, on a Unix
  // socket in the data directory, so they need not stop it. Stopped before the database closes.
  if (app.database.serveSocket) {
    try {
      const socket = await app.database.serveSocket();
      if (socket) {
        started.push({ name: 'database socket', stop: () => socket.stop() });
        log.info({ socket: socket.path }, 'embedded database served to local commands');
      } else {
        log.warn('data directory path too long for a socket: commands need the daemon stopped');
      }
    } catch (error) {
      await app.close();
      throw error;
    }
  }
  // --- end of the embedded database

  const stopAll = async () => {
    const deadline = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), config.shutdownSeconds * 1000).unref(),
    );
    for (const part of [...started].reverse()) {
      const result = await Promise.race([
        Promise.resolve(part.stop()).then(() => 'ok' as const),
        deadline,
      ]).catch(() => 'error' as const);
      if (result !== 'ok') log.warn({ part: part.name, result }, 'part did not stop cleanly');
    }
  };

  try {
    // Train the triage model now, so missing or bad training data stops the start, not an appeal.
    shippedTriageModel();
    const transport = transportFor(app);
    started.push({ name: 'transport', stop: () => transport.close() });
    const delivery = startDelivery({
      database: app.database,
      vault: app.vault,
      transport,
      now: app.now,
      log,
    });
    started.push({ name: 'delivery', stop: () => delivery.stop() });
    log.info({ transport: transport.kind }, 'delivery started');

    const intake = intakeFor(app, answersFor(app));
    // New appeals queue answers: wake delivery after each committed message instead of waiting.
    const notifyingIntake = {
      ...intake,
      accept: async (message: Parameters<typeof intake.accept>[0]) => {
        const outcome = await intake.accept(message);
        delivery.notify();
        return outcome;
      },
      acceptMany: async (messages: Parameters<typeof intake.acceptMany>[0]) => {
        const outcomes = await intake.acceptMany(messages);
        delivery.notify();
        return outcomes;
      },
    };

    if (config.imap) {
      const ingest = startIngest({
        config,
        database: app.database,
        vault: app.vault,
        intake: notifyingIntake,
        log,
        now: app.now,
      });
      started.push({ name: 'imap', stop: () => ingest.stop() });
      log.info({ source: 'imap' }, 'mailbox intake started');
    }
    if (config.smtpListen) {
      const listener = await startSmtpListener({
        listen: config.smtpListen,
        from: config.from,
        intake: notifyingIntake,
        database: app.database,
        log,
        now: app.now,
      });
      started.push({ name: 'smtp', stop: () => listener.stop() });
      log.info(
        { source: 'smtp', host: config.smtpListen.host, port: listener.port },
        'inbound SMTP listening',
      );
    }

    const scheduler = startScheduler({
      db: app.database.db,
      database: app.database,
      vault: app.vault,
      calendar: app.calendar,
      config,
      now: app.now,
      log,
      afterQueue: () => delivery.notify(),
    });
    started.push({ name: 'scheduler', stop: () => scheduler.stop() });
    log.info('schedules started');
  } catch (error) {
    await stopAll();
    throw error;
  }

  return { app, stop: stopAll };
}

/** Runs until SIGINT/SIGTERM, then stops in order; a second signal exits at once. */
export async function runDaemon(config: Config): Promise<void> {
  const daemon = await startDaemon(config);
  daemon.app.log.info('senim started');
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      daemon.app.log.info({ signal }, 'stopping');
      process.once(signal, () => process.exit(1));
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  await daemon.stop();
  daemon.app.log.info('senim stopped');
}
