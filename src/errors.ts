/**
 * Typed errors. `kind` decides the CLI exit code (contract: bad input → 2, operational → 1).
 * Messages must never carry personal data or message content (design: confidentiality).
 */
export type ErrorKind = 'input' | 'operational';

export class SenimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind = 'operational',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SenimError';
  }
}

/** Bad input from a user or a file: exit code 2, nothing changed. */
export class InputError extends SenimError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, 'input', options);
    this.name = 'InputError';
  }
}

/** Turns anything thrown into an Error, keeping the original as `cause`. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : 'non-error thrown', { cause: thrown });
}

/**
 * The names and codes along an error's cause chain ("Error ECONNREFUSED <- ..."), never messages:
 * driver and server messages may quote addresses (design: confidentiality).
 */
export function errorCodes(error: unknown): string {
  const codes: string[] = [];
  for (let e: unknown = error; e instanceof Error && codes.length < 4; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    codes.push(typeof code === 'string' ? `${e.name} ${code}` : e.name);
  }
  return codes.join(' <- ') || 'unknown';
}
