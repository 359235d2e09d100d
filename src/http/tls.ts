import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { ConfigError, type TlsConfig } from '../config/config.ts';

/** What the HTTPS server serves. */
export interface TlsCredentials {
  cert: string;
  key: string;
  certFile: string;
  /** SHA-256 of the certificate as browsers show it (AB:CD:…), to compare with the one a phone's browser warns about. */
  fingerprint: string;
  /** Why this start made a new self-signed certificate; absent when it served one it already had. */
  madeBecause?: string;
  /** Why a browser may refuse the certificate for ISSUER (expired, or without ISSUER's host), for a warning. */
  problem?: string;
}

export const selfSignedCertificateFile = (dataDir: string) => path.join(dataDir, 'tls-certificate.pem');
export const selfSignedKeyFile = (dataDir: string) => path.join(dataDir, 'tls-key.pem');

const DAY_MS = 24 * 60 * 60 * 1000;
/** A year: browsers refuse server certificates valid for much longer (Apple's platforms past 825 days). */
const SELF_SIGNED_VALIDITY_MS = 365 * DAY_MS;

/** The certificate and key of TLS_CERT and TLS_KEY, or the self-signed pair in DATA_DIR, made when missing or unfit. */
export async function tlsCredentials(config: TlsConfig, dataDir: string, issuer: string): Promise<TlsCredentials> {
  const issuerHost = new URL(issuer).hostname.replace(/^\[(.*)\]$/, '$1');
  if (config.mode === 'files') {
    const cert = readConfigured('TLS_CERT', config.certFile);
    const key = readConfigured('TLS_KEY', config.keyFile);
    const certificate = parseCertificate(cert, config.certFile);
    const privateKey = parseKey(key, config.keyFile);
    if (!certificate.checkPrivateKey(privateKey)) {
      throw new ConfigError([`TLS_KEY=${JSON.stringify(config.keyFile)}: is not the private key of the certificate in TLS_CERT`]);
    }
    checkServable(cert, key);
    const problem = unfitness(certificate, [issuerHost], Date.now());
    return { cert, key, certFile: config.certFile, fingerprint: certificate.fingerprint256, ...(problem ? { problem } : {}) };
  }

  const certFile = selfSignedCertificateFile(dataDir);
  const keyFile = selfSignedKeyFile(dataDir);
  const kept = readKept(certFile, keyFile);
  // Replaced a day before it expires, not on the day a phone is to use it.
  const reason = !fs.existsSync(certFile)
    ? 'there was none'
    : kept
      ? unfitness(kept.certificate, config.hosts, Date.now() + DAY_MS)
      : `${certFile} and ${keyFile} are not a certificate and its key`;
  if (kept && !reason) return { cert: kept.cert, key: kept.key, certFile, fingerprint: kept.certificate.fingerprint256 };

  const made = await makeSelfSigned(config.hosts);
  for (const [file, pem] of [[keyFile, made.private], [certFile, made.cert]] as const) {
    fs.writeFileSync(file, pem, { mode: 0o600 });
    fs.chmodSync(file, 0o600); // when it was there already
  }
  const fingerprint = new X509Certificate(made.cert).fingerprint256;
  return { cert: made.cert, key: made.private, certFile, fingerprint, madeBecause: reason ?? 'there was none' };
}

/**
 * Lets this process's own HTTPS requests to ISSUER trust `pem` besides the usual authorities: the consoles' sign-in
 * discovers the provider there, and the CLI talks to the server there. It does for a self-signed certificate; one
 * issued by an authority (mkcert's, say) needs that authority, given with NODE_EXTRA_CA_CERTS.
 */
export function trustInThisProcess(pem: string): void {
  const current = tls.getCACertificates('default');
  if (!current.includes(pem)) tls.setDefaultCACertificates([...current, pem]);
}

/** Why `certificate` will not do for `hosts` until `until`, or undefined when it will. */
function unfitness(certificate: X509Certificate, hosts: string[], until: number): string | undefined {
  if (certificate.validToDate.getTime() <= until) return `it expires on ${certificate.validToDate.toISOString()}`;
  const missing = hosts.filter((host) => (net.isIP(host) ? !certificate.checkIP(host) : !certificate.checkHost(host)));
  return missing.length ? `it does not name ${missing.join(', ')}` : undefined;
}

function readConfigured(name: 'TLS_CERT' | 'TLS_KEY', file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory, not a file' : code;
    throw new ConfigError([`${name}=${JSON.stringify(file)}: cannot be read (${why ?? 'unreadable'})`]);
  }
}

function parseCertificate(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ConfigError([`TLS_CERT=${JSON.stringify(file)}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`]);
  }
}

function parseKey(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new ConfigError([`TLS_KEY=${JSON.stringify(file)}: holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)`]);
  }
}

/** What OpenSSL itself still refuses (a key too weak for its security level, say), before the server is built on it. */
function checkServable(cert: string, key: string): void {
  try {
    tls.createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError([`TLS_CERT and TLS_KEY: cannot serve this certificate and key (${(error as Error).message})`]);
  }
}

/** The self-signed pair kept in DATA_DIR, if both files are there and make a pair. */
function readKept(certFile: string, keyFile: string): { cert: string; key: string; certificate: X509Certificate } | undefined {
  try {
    const cert = fs.readFileSync(certFile, 'utf8');
    const key = fs.readFileSync(keyFile, 'utf8');
    const certificate = new X509Certificate(cert);
    return certificate.checkPrivateKey(createPrivateKey(key)) ? { cert, key, certificate } : undefined;
  } catch {
    return undefined;
  }
}

/** A P-256 certificate for `hosts` (the first is its common name), valid for a year from an hour ago, for clocks that lag. */
async function makeSelfSigned(hosts: string[]) {
  // Loaded only to make a certificate: it takes a third of a second, which every start and CLI command would pay.
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  return generate([{ name: 'commonName', value: hosts[0]! }, { name: 'organizationName', value: 'ThaID emulator (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + SELF_SIGNED_VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((host) => (net.isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })) },
    ],
  });
}
