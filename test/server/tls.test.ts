import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import pino from 'pino';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { selfSignedCertificateFile } from '../../src/http/tls.ts';
import { runCli } from '../support/cli.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thaid-tls-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface TlsAnswer {
  status: number;
  body: string;
  cookies: string[];
  location: string | undefined;
  /** SHA-256 of the certificate the server presented. */
  fingerprint: string;
}

/** A GET over HTTPS that trusts `ca` only (no keep-alive, so a restarted server is met anew). */
function getOverTls(url: string, ca: string): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookies: res.headers['set-cookie'] ?? [], location: res.headers.location, fingerprint }));
      })
      .on('error', reject);
  });
}

/** A logger whose JSON lines the test reads. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const authorizationQuery = new URLSearchParams({
  client_id: 'thaid-demo-client',
  response_type: 'code',
  scope: 'openid',
  redirect_uri: 'http://localhost:8080/callback',
});

describe('HTTPS with TLS=self-signed', () => {
  it('serves the certificate it made, logs its fingerprint, sets secure cookies, and keeps it across a restart', async () => {
    const port = await freePort();
    const issuer = `https://127.0.0.1:${port}`;
    const { logger, lines } = recordingLogger();
    const env = { TLS: 'self-signed', ISSUER: issuer, TLS_HOSTS: 'thaid.test' };
    const first: TestServer = await startTestServer({ port, env, logger });
    let current = first;
    cleanups.push(() => current.dispose());
    expect(first.url).toBe(`https://127.0.0.1:${port}`);

    const pem = fs.readFileSync(selfSignedCertificateFile(first.config.dataDir), 'utf8');
    const certificate = new X509Certificate(pem);
    expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, DNS:thaid.test');

    const discovery = await getOverTls(`${first.url}/.well-known/openid-configuration`, pem);
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body).issuer).toBe(issuer);
    expect(discovery.fingerprint).toBe(certificate.fingerprint256);
    // The staff console's sign-in discovers the provider at ISSUER, over HTTPS, from inside the server.
    const consoleSignIn = await getOverTls(`${first.url}/staff/login`, pem);
    expect(consoleSignIn.status).toBe(303);
    expect(consoleSignIn.location).toMatch(new RegExp(`^${issuer}/api/v2/oauth2/auth/\\?`));

    expect(first.tls?.fingerprint).toBe(certificate.fingerprint256);
    const logged = lines.find((line) => line.msg === "serving HTTPS; the certificate's SHA-256 fingerprint");
    expect(logged?.fingerprint).toBe(certificate.fingerprint256);
    expect(lines.some((line) => line.msg === 'made a self-signed TLS certificate')).toBe(true);

    // The provider's cookies are Secure on an encrypted connection.
    const authorization = await getOverTls(`${first.url}/api/v2/oauth2/auth/?${authorizationQuery}`, pem);
    expect(authorization.status).toBe(200);
    const interaction = authorization.cookies.filter((cookie) => cookie.startsWith('_interaction='));
    expect(interaction).toHaveLength(1);
    expect(interaction[0]).toMatch(/; secure/i);

    await first.stop();
    current = await first.restart();
    expect(fs.readFileSync(selfSignedCertificateFile(current.config.dataDir), 'utf8')).toBe(pem);
    const afterRestart = await getOverTls(`${current.url}/.well-known/openid-configuration`, pem);
    expect(afterRestart.status).toBe(200);
    expect(afterRestart.fingerprint).toBe(certificate.fingerprint256);
  });

  it('prints the fingerprint in the start banner and the listening log', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const child = spawn(process.execPath, [path.resolve('src/cli/main.ts'), 'serve'], {
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, TLS: 'self-signed', DEMO_CITIZENS: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no banner: ${stderr}`)), 25_000);
      const check = () => {
        if (/"msg":"listening"/.test(stdout) && /Demo citizens/.test(stderr)) {
          clearTimeout(deadline);
          resolve();
        } else if (child.exitCode !== null) {
          clearTimeout(deadline);
          reject(new Error(`the server exited: ${stderr}`));
        } else setTimeout(check, 100);
      };
      check();
    });

    const { fingerprint256 } = new X509Certificate(fs.readFileSync(selfSignedCertificateFile(dataDir)));
    expect(stderr).toContain(`ThaID emulator listening on https://127.0.0.1:${port}`);
    expect(stderr).toContain(`  SHA-256      ${fingerprint256}\n`);
    expect(stderr).toContain(`  issuer       https://localhost:${port}\n`);
    const listening = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line)).find((line) => line.msg === 'listening');
    expect(listening.tlsFingerprint).toBe(fingerprint256);
    expect(listening.url).toBe(`https://127.0.0.1:${port}`);

    // A command run without the server's TLS setting does not trust its certificate, and says so.
    const untrusting = spawnSync(process.execPath, [path.resolve('src/cli/main.ts'), 'citizen', 'list'], {
      env: { PATH: process.env.PATH ?? '', ISSUER: `https://localhost:${port}`, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(untrusting.status).toBe(1);
    expect(untrusting.stderr).toContain(`The server at https://localhost:${port} answers, but its certificate is not trusted`);
    expect(untrusting.stderr).toContain('TLS=self-signed');
  });
});

describe('HTTPS with TLS_CERT and TLS_KEY', () => {
  it('serves the given certificate and makes none', async () => {
    const dir = tempDir();
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    fs.writeFileSync(path.join(dir, 'cert.pem'), pems.cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), pems.private);
    const port = await freePort();
    const env = { TLS_CERT: path.join(dir, 'cert.pem'), TLS_KEY: path.join(dir, 'key.pem'), ISSUER: `https://127.0.0.1:${port}` };
    const server = await startTestServer({ port, env });
    cleanups.push(() => server.dispose());

    const discovery = await getOverTls(`${server.url}/.well-known/openid-configuration`, pems.cert);
    expect(JSON.parse(discovery.body).issuer).toBe(`https://127.0.0.1:${port}`);
    expect(discovery.fingerprint).toBe(new X509Certificate(pems.cert).fingerprint256);
    expect(server.tls?.fingerprint).toBe(discovery.fingerprint);
    expect(fs.existsSync(selfSignedCertificateFile(server.config.dataDir))).toBe(false);
  });

  it('stops the start with a clear message when a file cannot be read', async () => {
    const dataDir = tempDir();
    const missing = path.join(dataDir, 'no-such-cert.pem');
    const result = await runCli(['serve'], {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      TLS_CERT: missing,
      TLS_KEY: missing,
      ISSUER: 'https://127.0.0.1:1',
      PORT: '1',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain(`TLS_CERT=${JSON.stringify(missing)}: cannot be read (no such file)`);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('stops the start naming ISSUER when it is an http URL', async () => {
    const result = await runCli(['serve'], { DATA_DIR: tempDir(), LOG_LEVEL: 'silent', TLS: 'self-signed', ISSUER: 'http://192.168.1.20:3000' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain('set ISSUER=https://192.168.1.20:3000');
  });
});
