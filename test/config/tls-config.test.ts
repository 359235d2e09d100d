import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { problemsOf } from './config-problems.ts';

describe('the TLS variables', () => {
  it('leave TLS off by default', () => {
    expect(loadConfig({}).tls).toBeUndefined();
  });

  it('make a self-signed certificate for ISSUER, localhost, 127.0.0.1 and TLS_HOSTS', () => {
    const config = loadConfig({ TLS: 'self-signed', ISSUER: 'https://192.168.1.20:3000', TLS_HOSTS: ' thaid.local, 10.0.0.7 ,' });
    expect(config.tls).toEqual({ mode: 'self-signed', hosts: ['192.168.1.20', 'localhost', '127.0.0.1', 'thaid.local', '10.0.0.7'] });
  });

  it('take the host of an IPv6 issuer without its brackets', () => {
    expect(loadConfig({ TLS: 'self-signed', ISSUER: 'https://[fd00::20]:3000' }).tls).toMatchObject({ hosts: ['fd00::20', 'localhost', '127.0.0.1'] });
  });

  it('serve a certificate of one\'s own from TLS_CERT and TLS_KEY, as absolute paths', () => {
    const config = loadConfig({ TLS_CERT: 'certs/thaid.pem', TLS_KEY: 'certs/thaid-key.pem', ISSUER: 'https://thaid.local:3000' });
    expect(config.tls).toEqual({ mode: 'files', certFile: path.resolve('certs/thaid.pem'), keyFile: path.resolve('certs/thaid-key.pem') });
  });

  it('make the default issuer an https one', () => {
    expect(loadConfig({ TLS: 'self-signed', PORT: '3443' }).issuer).toBe('https://localhost:3443');
    expect(loadConfig({ TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }).issuer).toBe('https://localhost:3000');
  });

  it('tell to set an https ISSUER when TLS is on', () => {
    const problems = problemsOf({ TLS: 'self-signed', ISSUER: 'http://192.168.1.20:3000' });
    expect(problems).toEqual([expect.stringMatching(/^ISSUER="http:\/\/192\.168\.1\.20:3000": .*set ISSUER=https:\/\/192\.168\.1\.20:3000$/)]);
    expect(problemsOf({ TLS_CERT: 'c.pem', TLS_KEY: 'k.pem', ISSUER: 'http://localhost:3000' })).toEqual([expect.stringMatching(/^ISSUER=.*set ISSUER=https:/)]);
  });

  it('keep an https ISSUER without TLS, for a server behind a reverse proxy', () => {
    expect(loadConfig({ ISSUER: 'https://id.example.test' }).tls).toBeUndefined();
  });

  it.each([
    [{ TLS_CERT: 'c.pem' }, /^TLS_CERT="c\.pem": needs TLS_KEY/],
    [{ TLS_KEY: 'k.pem' }, /^TLS_KEY="k\.pem": needs TLS_CERT/],
    [{ TLS: 'self-signed', TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }, /^TLS="self-signed": .*unset it to serve TLS_CERT and TLS_KEY/],
    [{ TLS: 'yes' }, /^TLS="yes": must be self-signed/],
    [{ TLS_HOSTS: 'thaid.local' }, /^TLS_HOSTS="thaid\.local": only used with TLS=self-signed/],
    [{ TLS: 'self-signed', TLS_HOSTS: 'thaid.local,not a host' }, /^TLS_HOSTS=.*host names or IP addresses/],
  ])('refuse %j', (env, message) => {
    const problems = problemsOf({ ISSUER: 'https://localhost:3000', ...env });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
