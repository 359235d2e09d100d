import { ConfigError, loadConfig } from '../../src/config/config.ts';

/** The problems loadConfig finds in `env`; fails the test when it finds none. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
