import { z } from 'zod';

/**
 * The JSON body of every error the API routes answer with, as error-handler.ts sends it. Described once and
 * referenced by every error answer of the API documents.
 */
export const errorBody = z
  .object({
    error: z.string().meta({ description: 'a short machine-readable code, such as invalid_request or not_found' }),
    error_description: z.string().meta({ description: 'what went wrong and what to do, for a person to read' }),
    details: z.unknown().optional().meta({ description: 'more about the error, where there is more (for a weak PIN, its problems)' }),
  })
  .meta({ id: 'Error' });
