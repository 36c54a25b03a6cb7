// A private Dovecot IMAP server for tests and the benchmark: its own config, base_dir, state and
// log in a temp dir, 127.0.0.1 only, no TLS, plaintext login, passwd-file users, Maildir mailboxes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OsUser } from './index.js';
import {
  HOST,
  chownTo,
  currentUser,
  freePort,
  isAlive,
  isRoot,
  lookupUser,
  run,
  waitUntil,
} from './index.js';

/** Plain data: safe to pass through vitest `provide`, enough to control the server from any process. */
export interface DovecotInfo {
  host: string;
  port: number;
  /** Temp dir holding config, users file, mail homes, base_dir and log; removed by stop(). */
  dir: string;
  configPath: string;
  logPath: string;
  /** Owner of every mail file: Dovecot refuses root, so under root this is the `mail` user. */
  mailUser: OsUser;
}

export interface MailUser {
  user: string;
  password: string;
  /** INBOX as a Maildir (cur/ new/ tmp/); deliver() writes straight into it. */
  maildir: string;
}

export interface DovecotServer extends DovecotInfo {
  info: DovecotInfo;
  /** Creates a mail account with an empty INBOX. Names must be unique per server. */
  addUser(name: string, password?: string): Promise<MailUser>;
  /** Stops the master (dropping every session) and starts it again on the same port. */
  restart(): Promise<void>;
  /**
   * Makes Dovecot assign a new UIDVALIDITY (and fresh UIDs) to a user's INBOX, as after a server
   * rebuild. Kicks the user's sessions first: an open session would write the old value back.
   */
  resetUidValidity(user: string): Promise<void>;
  stop(): Promise<void>;
  /** Synchronous last resort for process exit handlers. */
  killNow(): void;
}

/** doveadm kick's exit code when the user had no session. */
const EX_NOUSER_NOBODY_KICKED = 68;

export async function startDovecot(): Promise<DovecotServer> {
  await ensureInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'senim-dovecot-'));
  try {
    // Mail processes run as mailUser and must traverse the temp dir.
    await chmod(dir, 0o755);
    const mailUser = isRoot() ? await lookupUser('mail') : await currentUser();
    const info: DovecotInfo = {
      host: HOST,
      port: await freePort(),
      dir,
      configPath: join(dir, 'dovecot.conf'),
      logPath: join(dir, 'dovecot.log'),
      mailUser,
    };
    await Promise.all(['run', 'state', 'home', 'users'].map((sub) => mkdir(join(dir, sub))));
    await writeFile(info.configPath, await renderConfig(info));
    await startMaster(info);
    return attachDovecot(info);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Controls a server started elsewhere (e.g. by the globalSetup process) from its info. */
export function attachDovecot(info: DovecotInfo): DovecotServer {
  return {
    ...info,
    info,
    addUser: (name, password) => addUser(info, name, password),
    async restart() {
      await stopMaster(info);
      await startMaster(info);
    },
    async resetUidValidity(user) {
      await kick(info, user);
      const maildir = userMaildir(info, user);
      // Keep dovecot-uidvalidity*: it makes the next value differ even within the same second.
      const stale = (await readdir(maildir)).filter(
        (file) => file === 'dovecot-uidlist' || file.startsWith('dovecot.index'),
      );
      const listIndex = (await readdir(maildir)).filter((f) => f.startsWith('dovecot.list.index'));
      await Promise.all(
        [...stale, ...listIndex].map((file) => rm(join(maildir, file), { force: true })),
      );
    },
    async stop() {
      try {
        await stopMaster(info);
      } finally {
        await rm(info.dir, { recursive: true, force: true });
      }
    },
    killNow() {
      const pid = masterPid(info);
      if (pid && isAlive(pid)) signalGroup(pid, 'SIGKILL');
      rmSync(info.dir, { recursive: true, force: true });
    },
  };
}

async function ensureInstalled(): Promise<void> {
  try {
    await run('dovecot', ['--version']);
  } catch (error) {
    throw new Error(
      'Dovecot is not installed: run `npm test` (installs it) or `apt-get install dovecot-imapd`',
      { cause: error },
    );
  }
}

async function renderConfig(info: DovecotInfo): Promise<string> {
  // Under root Dovecot drops privileges to its packaged users; otherwise everything runs as us
  // and no service may chroot.
  const [internal, login] = isRoot()
    ? [await lookupUser('dovecot'), 'dovenull']
    : [info.mailUser, info.mailUser.name];
  const noChroot = isRoot()
    ? ''
    : ['anvil', 'ipc', 'old-stats', 'aggregator']
        .map((service) => `service ${service} {\n  chroot =\n}\n`)
        .join('');
  return `# Generated by test/services/dovecot.ts for one test run.
protocols = imap
listen = ${HOST}
base_dir = ${info.dir}/run
state_dir = ${info.dir}/state
instance_name = senim-${info.port}
log_path = ${info.logPath}
info_log_path = ${info.logPath}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internal.name}
default_internal_group = ${internal.group}
default_login_user = ${login}
first_valid_uid = ${info.mailUser.uid}
last_valid_uid = ${info.mailUser.uid}
first_valid_gid = ${info.mailUser.gid}
mail_location = maildir:~/Maildir
mail_fsync = never
# Change notification for IDLE comes from inotify; this is the fallback poll.
mailbox_idle_check_interval = 1 secs
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${usersDir(info)}/%u
}
userdb {
  driver = passwd-file
  args = username_format=%u ${usersDir(info)}/%u
}
protocol imap {
  mail_max_userip_connections = 500
}
service imap-login {
  inet_listener imap {
    address = ${HOST}
    port = ${info.port}
  }
  inet_listener imaps {
    port = 0
  }
${isRoot() ? '' : '  chroot =\n'}}
${noChroot}`;
}

/**
 * One passwd-file per user (the path has %u): Dovecot stats a shared file at most once a second,
 * so a user appended right after a login elsewhere would be unknown for up to a second.
 */
function usersDir(info: DovecotInfo): string {
  return join(info.dir, 'users');
}

function userHome(info: DovecotInfo, user: string): string {
  return join(info.dir, 'home', user);
}

function userMaildir(info: DovecotInfo, user: string): string {
  return join(userHome(info, user), 'Maildir');
}

async function addUser(info: DovecotInfo, name: string, password = 'secret'): Promise<MailUser> {
  if (!/^[\w.@+-]+$/.test(name) || /[:\n]/.test(password)) {
    throw new Error(`unusable test mail account name or password: ${name}`);
  }
  const home = userHome(info, name);
  const maildir = userMaildir(info, name);
  await mkdir(home);
  await Promise.all(
    ['cur', 'new', 'tmp'].map((sub) => mkdir(join(maildir, sub), { recursive: true })),
  );
  for (const path of [home, maildir, ...['cur', 'new', 'tmp'].map((s) => join(maildir, s))]) {
    await chownTo(path, info.mailUser);
  }
  const { uid, gid } = info.mailUser;
  const line = `${name}:{PLAIN}${password}:${uid}:${gid}::${home}::\n`;
  await writeFile(join(usersDir(info), name), line, { flag: 'wx', mode: 0o644 });
  return { user: name, password, maildir };
}

async function kick(info: DovecotInfo, user: string): Promise<void> {
  try {
    await run('doveadm', ['-c', info.configPath, 'kick', user]);
  } catch (error) {
    const exitCode = (error as { cause?: { code?: unknown } }).cause?.code;
    if (exitCode !== EX_NOUSER_NOBODY_KICKED) throw error;
  }
}

function masterPid(info: DovecotInfo): number | undefined {
  const pidFile = join(info.dir, 'run', 'master.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return pid > 0 ? pid : undefined;
}

async function startMaster(info: DovecotInfo): Promise<void> {
  try {
    await spawnDaemon('dovecot', ['-c', info.configPath], join(info.dir, 'dovecot.stderr'));
    await waitUntil(`Dovecot on ${HOST}:${info.port}`, () => greets(info.port));
  } catch (error) {
    const tail = existsSync(info.logPath) ? readFileSync(info.logPath, 'utf8').slice(-2000) : '';
    throw new Error(`Dovecot did not start; log tail:\n${tail}`, { cause: error });
  }
}

/**
 * Signals the whole process group: told alone, the master leaves its imap processes (and their
 * clients' connections) hanging for about ten seconds.
 */
async function stopMaster(info: DovecotInfo): Promise<void> {
  const pid = masterPid(info);
  if (!pid || !isAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  try {
    await waitUntil('Dovecot to stop', () => !groupAlive(pid), 10_000);
  } catch {
    signalGroup(pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** The daemonized master leads its own process group; a zombie left in it does not count. */
function groupAlive(pgid: number): boolean {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid && fields[0] !== 'Z';
      } catch {
        return false;
      }
    });
}

/**
 * Runs a self-daemonizing program and waits for its foreground part to exit. Output goes to a
 * file: the daemon inherits stdio, so pipes would never close and execFile would never return.
 */
async function spawnDaemon(file: string, args: string[], outputPath: string): Promise<void> {
  const output = await open(outputPath, 'a');
  try {
    const child = spawn(file, args, { stdio: ['ignore', output.fd, output.fd] });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) {
      const text = await readFile(outputPath, 'utf8');
      throw new Error(`${file} ${args.join(' ')} exited with ${code}: ${text.trim()}`);
    }
  } finally {
    await output.close();
  }
}

/** True once the IMAP listener answers with its `* OK` greeting. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('* OK')));
  });
}
