import type { Config } from '../../config/config.ts';
import { demoRelyingParty, demoSecretIsDocumented } from '../../demo/demo-data.ts';
import { createLogger } from '../../logging/logger.ts';
import { endpointPaths } from '../../oidc/paths.ts';
import { demoPersonas, personaNotes } from '../../registry/personas.ts';
import { startServer, type RunningServer } from '../../server.ts';

/** Runs until SIGINT or SIGTERM. Logs go to stdout as JSON; the human-readable banner goes to stderr. */
export async function serveCommand(config: Config): Promise<void> {
  // Every file the server creates (in DATA_DIR above all: the embedded database, the admin token) is its owner's only.
  process.umask(0o077);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  logger.info({ url: server.url, issuer: config.issuer, database: server.database.location, tlsFingerprint: server.tls?.fingerprint }, 'listening');
  const demoSecret = (await demoSecretIsDocumented(server.database.db)) ? 'documented' : 'rotated';
  process.stderr.write(banner(config, server.url, server.demo.seededNow ? server.demo.citizens : undefined, server.tls, demoSecret));

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      server.close().then(resolve, (error) => {
        logger.error({ err: error }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * What a start prints for people: where it listens, the demo relying party (its documented secret while the system
 * still has it; after a rotation, where the secret now comes from) and the demo citizens.
 */
export function banner(
  config: Pick<Config, 'issuer'>,
  url: string,
  seededCitizens: number | undefined,
  tls: RunningServer['tls'],
  demoSecret: 'documented' | 'rotated',
): string {
  const lines = [
    '',
    `ThaID emulator listening on ${url}`,
    ...(tls ? [`  certificate  ${tls.certFile}`, `  SHA-256      ${tls.fingerprint}`] : []),
    `  issuer       ${config.issuer}`,
    `  discovery    ${config.issuer}/.well-known/openid-configuration`,
    `  authorize    ${config.issuer}${endpointPaths.authorization}`,
    `  token        ${config.issuer}${endpointPaths.token}`,
    ...(seededCitizens === undefined ? [] : [`  first start: seeded ${seededCitizens} citizens into the registry`]),
    '',
    'Demo relying party',
    `  client_id     ${demoRelyingParty.clientId}`,
    demoSecret === 'documented'
      ? `  client_secret ${demoRelyingParty.clientSecret}`
      : `  client_secret the one "system rotate-secret ${demoRelyingParty.clientId}" printed last (the documented ${demoRelyingParty.clientSecret} was replaced)`,
    `  redirect_uri  ${demoRelyingParty.redirectUris.join(', ')}`,
    '',
    'Demo citizens',
    ...demoPersonas.map((p) => `  ${p.pid}  ${p.titleTh}${p.givenNameTh} ${p.familyNameTh}  ${personaNotes[p.pid] ?? ''}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
