import fs from 'node:fs';
import type { Config } from '../config/config.ts';
import { selfSignedCertificateFile, trustInThisProcess } from '../http/tls.ts';

/**
 * The CLI's commands talk to the server at ISSUER. With TLS=self-signed they trust the certificate the server made
 * in DATA_DIR; before the server's first start there is none yet, and nothing changes. (A certificate of one's own,
 * TLS_CERT, comes from an authority: give Node.js that one with NODE_EXTRA_CA_CERTS.)
 */
export function trustSelfSignedCertificate(config: Config): void {
  if (config.tls?.mode !== 'self-signed') return;
  let pem: string;
  try {
    pem = fs.readFileSync(selfSignedCertificateFile(config.dataDir), 'utf8');
  } catch {
    return;
  }
  trustInThisProcess(pem);
}
