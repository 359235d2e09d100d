import { z } from 'zod';
import { isValidPid } from './pid.ts';

/** How the API documents describe a citizen ID; the schemas that parse one also check its check digit. */
export const citizenIdDocumentation = {
  pattern: '^[1-8][0-9]{12}$',
  description: '13 digits, the last a mod-11 check digit',
  example: '1103000123455',
};

/** A citizen's registry record as the APIs answer with it (Citizen in citizen.ts, as JSON). */
export const citizenRecord = z
  .object({
    pid: z.string().meta(citizenIdDocumentation),
    titleTh: z.string(),
    titleEn: z.string(),
    givenNameTh: z.string(),
    middleNameTh: z.string().nullable(),
    familyNameTh: z.string(),
    givenNameEn: z.string(),
    middleNameEn: z.string().nullable(),
    familyNameEn: z.string(),
    birthdate: z.iso.date(),
    sex: z.enum(['male', 'female']),
    address: z.object({
      houseNumber: z.string(),
      villageNumber: z.string().nullable(),
      alley: z.string().nullable(),
      road: z.string().nullable(),
      subdistrict: z.string(),
      district: z.string(),
      province: z.string(),
      postalCode: z.string(),
    }),
    laserCode: z.string().meta({ description: 'the laser code on the back of the ID card, without dashes' }),
    cardIssuedOn: z.iso.date(),
    cardExpiresOn: z.iso.date(),
    ial: z.number().meta({ description: 'identity assurance level of the record, such as 2.3' }),
  })
  .meta({ id: 'Citizen' });

/** A citizen ID in a request, its check digit checked. */
export const pidParam = z
  .string()
  .refine(isValidPid, 'is not a valid 13-digit citizen ID (check digit included)')
  .meta(citizenIdDocumentation);

export const citizenParams = z.object({ pid: pidParam });
