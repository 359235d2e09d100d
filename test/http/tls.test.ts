import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.ts';
import { selfSignedCertificateFile, selfSignedKeyFile, tlsCredentials } from '../../src/http/tls.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-tls-'));
  dirs.push(dir);
  return dir;
}

const hosts = ['192.168.1.20', 'localhost', '127.0.0.1'];
const issuer = 'https://192.168.1.20:3000';
const selfSigned = (dataDir: string, names = hosts) => tlsCredentials({ mode: 'self-signed', hosts: names }, dataDir, issuer);

/** The ConfigError's problems of `promise`. */
async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe('the self-signed certificate', () => {
  it('is made on first use for every host, kept in DATA_DIR with its key 0600, and reused', async () => {
    const dataDir = tempDir();
    const first = await selfSigned(dataDir);
    expect(first.madeBecause).toBe('there was none');
    const certificate = new X509Certificate(fs.readFileSync(selfSignedCertificateFile(dataDir)));
    expect(certificate.subjectAltName).toBe('IP Address:192.168.1.20, DNS:localhost, IP Address:127.0.0.1');
    expect(certificate.ca).toBe(false);
    expect(first.fingerprint).toBe(certificate.fingerprint256);
    expect(first.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fs.statSync(selfSignedKeyFile(dataDir)).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(selfSignedKeyFile(dataDir), 'utf8')).toBe(first.key);
    // Valid from before now (for a phone whose clock lags) for about a year.
    expect(certificate.validFromDate.getTime()).toBeLessThan(Date.now() - 30 * 60 * 1000);
    expect(certificate.validToDate.getTime() - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);
    expect(certificate.validToDate.getTime() - Date.now()).toBeLessThan(366 * 24 * 3600 * 1000);

    const again = await selfSigned(dataDir);
    expect(again.madeBecause).toBeUndefined();
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.cert).toBe(first.cert);
  });

  it('is replaced when a host is added, e.g. the laptop moved to another network', async () => {
    const dataDir = tempDir();
    const first = await selfSigned(dataDir);
    const moved = await selfSigned(dataDir, ['10.0.0.7', 'localhost', '127.0.0.1']);
    expect(moved.madeBecause).toBe('it does not name 10.0.0.7');
    expect(moved.fingerprint).not.toBe(first.fingerprint);
    expect(new X509Certificate(fs.readFileSync(selfSignedCertificateFile(dataDir))).checkIP('10.0.0.7')).toBe('10.0.0.7');
  });

  it('is replaced a day before it expires', async () => {
    const dataDir = tempDir();
    const old = await generate([{ name: 'commonName', value: '192.168.1.20' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate: new Date(Date.now() - 300 * 24 * 3600 * 1000),
      notAfterDate: new Date(Date.now() + 3600 * 1000),
      extensions: [{ name: 'subjectAltName', altNames: hosts.map((ip) => (ip === 'localhost' ? { type: 2, value: ip } : { type: 7, ip })) }],
    });
    fs.writeFileSync(selfSignedCertificateFile(dataDir), old.cert);
    fs.writeFileSync(selfSignedKeyFile(dataDir), old.private);
    const renewed = await selfSigned(dataDir);
    expect(renewed.madeBecause).toMatch(/^it expires on /);
    expect(renewed.cert).not.toBe(old.cert);
  });

  it('is replaced when its files are damaged or do not match', async () => {
    const dataDir = tempDir();
    await selfSigned(dataDir);
    const other = tempDir();
    await selfSigned(other);
    fs.copyFileSync(selfSignedKeyFile(other), selfSignedKeyFile(dataDir));
    const remade = await selfSigned(dataDir);
    expect(remade.madeBecause).toMatch(/are not a certificate and its key/);
    fs.writeFileSync(selfSignedCertificateFile(dataDir), 'garbage');
    expect((await selfSigned(dataDir)).madeBecause).toMatch(/are not a certificate and its key/);
  });
});

describe('a certificate of one\'s own', () => {
  async function writePair(dir: string, commonName = '192.168.1.20') {
    const pems = await generate([{ name: 'commonName', value: commonName }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: commonName }] }],
    });
    const certFile = path.join(dir, `${commonName}.pem`);
    const keyFile = path.join(dir, `${commonName}-key.pem`);
    fs.writeFileSync(certFile, pems.cert);
    fs.writeFileSync(keyFile, pems.private);
    return { certFile, keyFile, pems };
  }

  it('is served as it is, with its fingerprint, and nothing is written to DATA_DIR', async () => {
    const dir = tempDir();
    const { certFile, keyFile, pems } = await writePair(dir);
    const dataDir = tempDir();
    const credentials = await tlsCredentials({ mode: 'files', certFile, keyFile }, dataDir, issuer);
    expect(credentials).toMatchObject({ cert: pems.cert, key: pems.private, certFile, fingerprint: new X509Certificate(pems.cert).fingerprint256 });
    expect(credentials.madeBecause).toBeUndefined();
    expect(credentials.problem).toBeUndefined();
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('that does not name ISSUER\'s host is served with a warning', async () => {
    const { certFile, keyFile } = await writePair(tempDir(), '10.0.0.7');
    const credentials = await tlsCredentials({ mode: 'files', certFile, keyFile }, tempDir(), issuer);
    expect(credentials.problem).toBe('it does not name 192.168.1.20');
  });

  it('is refused, naming the variable, when a file cannot be read', async () => {
    const dir = tempDir();
    const { certFile, keyFile } = await writePair(dir);
    const missing = path.join(dir, 'missing.pem');
    expect(await problemsOf(tlsCredentials({ mode: 'files', certFile: missing, keyFile }, dir, issuer))).toEqual([
      `TLS_CERT=${JSON.stringify(missing)}: cannot be read (no such file)`,
    ]);
    expect(await problemsOf(tlsCredentials({ mode: 'files', certFile, keyFile: dir }, dir, issuer))).toEqual([
      `TLS_KEY=${JSON.stringify(dir)}: cannot be read (a directory, not a file)`,
    ]);
  });

  it('is refused when the files hold no certificate or key, or a key of another certificate', async () => {
    const dir = tempDir();
    const mine = await writePair(dir);
    const other = await writePair(dir, '10.0.0.7');
    expect(await problemsOf(tlsCredentials({ mode: 'files', certFile: mine.keyFile, keyFile: mine.keyFile }, dir, issuer))).toEqual([
      expect.stringMatching(/^TLS_CERT=.*: holds no PEM certificate/),
    ]);
    expect(await problemsOf(tlsCredentials({ mode: 'files', certFile: mine.certFile, keyFile: mine.certFile }, dir, issuer))).toEqual([
      expect.stringMatching(/^TLS_KEY=.*: holds no unencrypted PEM private key/),
    ]);
    expect(await problemsOf(tlsCredentials({ mode: 'files', certFile: mine.certFile, keyFile: other.keyFile }, dir, issuer))).toEqual([
      `TLS_KEY=${JSON.stringify(other.keyFile)}: is not the private key of the certificate in TLS_CERT`,
    ]);
  });
});
