import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { InputError } from '../src/errors.js';

const KEY = Buffer.alloc(32, 1).toString('base64');

function failure(env: Record<string, string>): InputError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('gives a newcomer with no configuration the embedded journal, the file outbox and the local SMTP listener', () => {
    const config = parseConfig({});
    expect(config.database).toEqual({ kind: 'pglite' });
    expect(config.smtpUrl).toBeNull();
    expect(config.imap).toBeNull();
    expect(config.smtpListen).toMatchObject({ host: '127.0.0.1', port: 2525 });
    expect(config.from).toBe('ombudsman@ales.kz');
    expect(config.timeZone).toBe('Asia/Almaty');
    expect(config.answerMaxAgeDays).toBe(14);
    expect(config.warnings.join('\n')).toMatch(/OMBUDSMAN_EMAIL/);
    expect(config.warnings.join('\n')).toMatch(/CHAIRMAN_EMAIL/);
  });

  it('reports every bad value by name with what is expected, in one go', () => {
    const error = failure({
      IMAP_PORT: 'nine',
      IMAP_TLS: 'maybe',
      SENIM_TZ: 'Mars/Olympus',
      OMBUDSMAN_EMAIL: 'not an address',
      SENIM_ANSWER_MAX_AGE_DAYS: '-1',
    });
    for (const name of [
      'IMAP_PORT',
      'IMAP_TLS',
      'SENIM_TZ',
      'OMBUDSMAN_EMAIL',
      'SENIM_ANSWER_MAX_AGE_DAYS',
    ]) {
      expect(error.message).toContain(name);
    }
    expect(error.message).toMatch(/IANA time zone/);
  });

  it('says what is expected in plain words: ranges, choices, real dates', () => {
    const error = failure({
      IMAP_PORT: '99999',
      IMAP_TLS: 'maybe',
      SENIM_EXTRA_WORKING_DAYS: '2026-02-30',
    });
    expect(error.message).toContain('IMAP_PORT: expected at most 65535');
    expect(error.message).toMatch(/IMAP_TLS: expected one of .*true, false/);
    expect(error.message).toContain(
      'SENIM_EXTRA_WORKING_DAYS.0: expected real calendar dates YYYY-MM-DD',
    );
  });

  it('checks the ports of SMTP_URL and SMTP_LISTEN, never echoing the password', () => {
    const error = failure({
      SMTP_URL: 'smtp://user:s3cretpw@mail.example.kz:99999',
      SMTP_LISTEN: '127.0.0.1:70000',
    });
    expect(error.message).toContain('SMTP_URL: expected an smtp:// URL with a host');
    expect(error.message).toContain('SMTP_LISTEN: expected a port from 0 to 65535');
    expect(error.message).not.toContain('s3cretpw');
    expect(failure({ SMTP_URL: 'smtp://u:p@host:notaport' }).message).toContain('SMTP_URL');
    expect(parseConfig({ SMTP_LISTEN: '127.0.0.1:0' }).smtpListen).toMatchObject({ port: 0 });
    expect(parseConfig({ SMTP_URL: 'smtp://u:p@mail.example.kz:587' }).smtpUrl).toBe(
      'smtp://u:p@mail.example.kz:587',
    );
  });

  it('requires an encryption key with a PostgreSQL database, and never echoes secrets', () => {
    const error = failure({ DATABASE_URL: 'postgres://senim:s3cretpw@db.example/senim' });
    expect(error.message).toContain('SENIM_ENCRYPTION_KEY');
    expect(error.message).not.toContain('s3cretpw');
    const bad = failure({
      DATABASE_URL: 'postgres://x@y/z',
      SENIM_ENCRYPTION_KEY: 'short-secret-value',
    });
    expect(bad.message).toContain('SENIM_ENCRYPTION_KEY');
    expect(bad.message).not.toContain('short-secret-value');
  });

  it('requires the IMAP user and password together with the host', () => {
    const error = failure({ IMAP_HOST: 'imap.ales.kz' });
    expect(error.message).toContain('IMAP_USER');
    expect(error.message).toContain('IMAP_PASSWORD');
    const config = parseConfig({
      IMAP_HOST: 'imap.ales.kz',
      IMAP_USER: 'ombudsman',
      IMAP_PASSWORD: 'pw',
    });
    expect(config.imap).toMatchObject({
      host: 'imap.ales.kz',
      port: 993,
      tls: true,
      mailbox: 'INBOX',
    });
    expect(config.smtpListen).toBeNull();
  });

  it('asks for the whole OAuth2 set with IMAP_AUTH=xoauth2', () => {
    const error = failure({
      IMAP_HOST: 'outlook.office365.com',
      IMAP_USER: 'o@ales.kz',
      IMAP_AUTH: 'xoauth2',
    });
    expect(error.message).toContain('IMAP_OAUTH_TOKEN_URL');
    expect(error.message).toContain('IMAP_OAUTH_CLIENT_ID');
    expect(error.message).toContain('IMAP_OAUTH_REFRESH_TOKEN');
  });

  it('reads a YAML config file, and the environment wins over it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'senim-config-'));
    const file = path.join(dir, 'senim.yaml');
    writeFileSync(
      file,
      `SENIM_INTERIM_THRESHOLD: 25\nSENIM_EXTRA_DAYS_OFF: [2026-12-31]\nSENIM_FROM: file@ales.kz\nSENIM_ENCRYPTION_KEY: ${KEY}\n`,
    );
    const config = parseConfig({ SENIM_CONFIG: file, SENIM_FROM: 'env@ales.kz' });
    expect(config.interimThreshold).toBe(25);
    expect(config.calendarOverrides.daysOff).toEqual(['2026-12-31']);
    expect(config.from).toBe('env@ales.kz');
    expect(config.encryptionKey?.length).toBe(32);
  });

  it('refuses unknown settings in the config file so typos are not silently ignored', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'senim-config-'));
    const file = path.join(dir, 'senim.json');
    writeFileSync(file, JSON.stringify({ SENIM_INTERIM_TRESHOLD: 5 }));
    expect(failure({ SENIM_CONFIG: file }).message).toContain('SENIM_INTERIM_TRESHOLD');
  });

  it('turns SMTP_LISTEN=off into no listener', () => {
    expect(parseConfig({ SMTP_LISTEN: 'off' }).smtpListen).toBeNull();
    expect(failure({ SMTP_LISTEN: 'everywhere' }).message).toContain('SMTP_LISTEN');
  });
});
