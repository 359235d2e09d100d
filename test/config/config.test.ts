import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { problemsOf } from './config-problems.ts';

describe('configuration from the environment', () => {
  it('has defaults that run on a laptop with the embedded database', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      databaseUrl: undefined,
      dataDir: path.resolve('data'),
      logLevel: 'info',
      trustProxy: false,
      demoCitizens: 1000,
    });
  });

  it('derives the issuer from PORT and drops a trailing slash from ISSUER', () => {
    expect(loadConfig({ PORT: '4000' }).issuer).toBe('http://localhost:4000');
    expect(loadConfig({ ISSUER: 'https://id.example.test/' }).issuer).toBe('https://id.example.test');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it('names each bad variable, its value and what would be right', () => {
    const problems = problemsOf({ PORT: 'eighty', ISSUER: 'localhost:3000', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT='))).toMatch(/"eighty".*whole number/);
    expect(problems.find((p) => p.startsWith('ISSUER='))).toMatch(/http or https|absolute URL/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL='))).toMatch(/one of fatal, error/);
  });

  it.each([
    ['PORT', '70000', /between 0 and 65535/],
    ['ISSUER', 'https://id.example.test/?x=1', /query string/],
    ['ISSUER', 'ftp://id.example.test', /http or https/],
    ['DATABASE_URL', 'mysql://localhost/db', /postgres:\/\//],
    ['DATABASE_URL', 'not a url', /URL such as postgres/],
    ['ADMIN_TOKEN', 'short', /at least 32/],
    ['TRUST_PROXY', 'maybe', /true or false/],
    ['DEMO_CITIZENS', '-1', /whole number/],
  ])('refuses %s=%s', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}=`));
    expect(problems[0]).toMatch(message);
  });
});
