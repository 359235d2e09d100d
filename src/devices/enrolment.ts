import { createHash, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../errors.ts';
import { insertNotification } from '../notifications/queries.ts';
import type { Citizen } from '../registry/citizen.ts';
import { findCitizen } from '../registry/queries.ts';
import { requireIntactDevice, type IntegrityVerdict } from './integrity.ts';
import { hashPin } from './pin-hash.ts';
import { pinProblems } from './pin-policy.ts';
import {
  findUsableEnrolmentCode,
  insertDevice,
  insertEnrolmentCode,
  lockCitizenForEnrolment,
  revokeActiveDevice,
  useEnrolmentCode,
} from './queries.ts';

export type IdentityProof =
  | { method: 'self'; pid: string; laserCode: string; birthdate: string }
  | { method: 'office'; enrolmentCode: string };

export interface EnrolmentRequest {
  publicJwk: JWK;
  name: string;
  pin: string;
  integrity: IntegrityVerdict;
  proof: IdentityProof;
}

export interface Enrolment {
  deviceId: string;
  pid: string;
  /** The device this enrolment replaced, signed out at once. */
  replacedDeviceId: string | undefined;
}

const ENROLMENT_CODE_MINUTES = 30;
const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const hashCode = (code: string) => createHash('sha256').update(code.replace(/[-\s]/g, '').toUpperCase()).digest('base64url');

/** A one-time code a registration office gives a citizen who enrols in person. */
export async function issueEnrolmentCode(db: Kysely<Schema>, pid: string): Promise<{ code: string; expiresAt: Date }> {
  if (!(await findCitizen(db, pid))) throw new NotFoundError(`No citizen with ID ${pid} in the registry.`);
  const bytes = randomBytes(10);
  const raw = Array.from(bytes, (b) => codeAlphabet[b % codeAlphabet.length]).join('');
  const code = `${raw.slice(0, 5)}-${raw.slice(5)}`;
  const { expiresAt } = await insertEnrolmentCode(db, { hash: hashCode(code), pid, validMinutes: ENROLMENT_CODE_MINUTES });
  return { code, expiresAt };
}

const normaliseLaserCode = (code: string) => code.replace(/[-\s]/g, '').toUpperCase();

async function citizenForSelfEnrolment(db: Kysely<Schema>, proof: Extract<IdentityProof, { method: 'self' }>): Promise<Citizen> {
  const citizen = await findCitizen(db, proof.pid);
  // One answer whatever part is wrong: the registry must not confirm that an ID exists.
  if (!citizen || citizen.laserCode !== normaliseLaserCode(proof.laserCode) || citizen.birthdate !== proof.birthdate) {
    throw new ForbiddenError(
      'identity_not_verified',
      'The citizen ID, laser code and date of birth do not match the civil registry. Check them against the ID card.',
    );
  }
  return citizen;
}

const invalidCode = () =>
  new ForbiddenError('invalid_enrolment_code', 'The enrolment code is not valid: it is wrong, used already or expired. Ask the officer for a new one.');

async function citizenForOfficeEnrolment(db: Kysely<Schema>, code: string): Promise<Citizen> {
  const pid = await findUsableEnrolmentCode(db, hashCode(code));
  const citizen = pid && (await findCitizen(db, pid));
  if (!citizen) throw invalidCode();
  return citizen;
}

function requireStrongPin(pin: string, birthdate: string): void {
  const problems = pinProblems(pin, birthdate);
  if (problems.length) throw new InvalidRequestError(problems.join(' '), { pin: problems });
}

/**
 * Enrols a phone for a citizen. In one database transaction it revokes the citizen's previous device and
 * cancels the logins that device had in hand: one phone only, effective at once.
 */
export async function enrolDevice(db: Kysely<Schema>, request: EnrolmentRequest): Promise<Enrolment> {
  requireIntactDevice(request.integrity);
  const proof = request.proof;
  // The PIN is judged before the registry is consulted, so a refused PIN says nothing about whether the
  // identity details are real.
  if (proof.method === 'self') requireStrongPin(request.pin, proof.birthdate);
  const citizen =
    proof.method === 'self' ? await citizenForSelfEnrolment(db, proof) : await citizenForOfficeEnrolment(db, proof.enrolmentCode);
  if (proof.method === 'office') requireStrongPin(request.pin, citizen.birthdate);
  const pinHash = await hashPin(request.pin);
  const deviceId = randomBytes(16).toString('base64url');

  const replaced = await db.transaction().execute(async (trx) => {
    await lockCitizenForEnrolment(trx, citizen.pid);
    if (proof.method === 'office' && (await useEnrolmentCode(trx, hashCode(proof.enrolmentCode))) !== citizen.pid) {
      throw invalidCode();
    }
    // Its unfinished sign-ins are cancelled with it, by the database (migration 0007).
    const replaced = await revokeActiveDevice(trx, citizen.pid, 'replaced by a new enrolment');
    await insertDevice(trx, {
      id: deviceId,
      pid: citizen.pid,
      publicJwk: request.publicJwk as Record<string, unknown>,
      name: request.name,
      method: proof.method,
      pinHash,
    });
    if (replaced) {
      await insertNotification(trx, {
        pid: citizen.pid,
        deviceId,
        kind: 'device_replaced',
        th: `ThaID ย้ายมาที่อุปกรณ์นี้แล้ว อุปกรณ์เดิม (${replaced.name}) ถูกยกเลิกทันที`,
        en: `ThaID now lives on this phone. The previous phone (${replaced.name}) was signed out at once.`,
        details: { previousDevice: replaced.name },
      });
    }
    return replaced;
  });
  return { deviceId, pid: citizen.pid, replacedDeviceId: replaced?.id };
}
