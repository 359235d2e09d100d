/** The database server cannot be reached right now; requests get 503 and the pool reconnects by itself. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The database cannot be reached', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

const connectionErrorMessages = [
  /Connection terminated/i,
  /connection timeout/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /terminating connection/i,
];

const codeOf = (e: Error) => (e as Error & { code?: unknown }).code;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = codeOf(e);
    if (typeof code === 'string' && connectionErrorCodes.has(code)) return true;
    if (connectionErrorMessages.some((pattern) => pattern.test(e.message))) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/**
 * PostgreSQL ended the transaction for another's sake (a deadlock, a serialization failure) and kept nothing of
 * it: the same request, sent again, can succeed.
 */
export function isTransactionConflict(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if (codeOf(e) === '40P01' || codeOf(e) === '40001') return true;
  }
  return false;
}
