import { z } from 'zod';

/*
 * The words of a schema's refusal where the schema says none of its own: what the field needs, in plain words
 * ("is required", "must be a string, not a number"), not the validator's ("Invalid input: expected string,
 * received undefined"). Set once for the whole process, before any request is read.
 */

const named: Record<string, string> = { string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object' };

/** What a value sent is, as a person would name it. */
function kindOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'number') return Number.isInteger(input) ? 'a whole number' : 'a number';
  return named[typeof input] ?? typeof input;
}

export function useReadableSchemaMessages(): void {
  z.config({
    customError: (issue) => {
      if (issue.code === 'invalid_type') {
        if (issue.input === undefined) return 'is required';
        return `must be ${named[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
      }
      if (issue.code === 'invalid_value' && issue.values.every((v) => typeof v === 'string')) {
        const options = issue.values.join(', ');
        return issue.input === undefined ? `is required: one of ${options}` : `must be one of ${options}`;
      }
      return undefined;
    },
  });
}
