import type { Context } from 'koa';
import type { WireProfile } from '../db/schema.ts';

/** The profile a client (system) was registered with; clients of older metadata behave as the real service. */
function wireProfileOf(client: unknown): WireProfile {
  return (client as { wire_profile?: unknown } | undefined)?.wire_profile === 'strict' ? 'strict' : 'thaid';
}

export const isThaidProfile = (client: unknown) => wireProfileOf(client) === 'thaid';

/**
 * Where the thaid profile accepts something a client written to the standards would not send, the log names the
 * system and the departure, so a developer learns what their code relies on before it meets another server.
 */
export function logDeparture(ctx: Context | undefined, clientId: string | undefined, departure: string): void {
  const log = ctx?.state?.log as { warn(fields: object, message: string): void } | undefined;
  log?.warn({ clientId, departure }, `client ${clientId ?? '(unknown)'} relies on a departure from the standards that the thaid profile accepts: ${departure}`);
}
