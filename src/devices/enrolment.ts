import { createHash, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../errors.ts';
import type { RateLimiter } from '../http/rate-limits.ts';
import { insertNotification } from '../notifications/queries.ts';
import type { Citizen } from '../registry/citizen.ts';
import { findCitizen } from '../registry/queries.ts';
import { requireIntactDevice, type IntegrityVerdict } from './integrity.ts';
import { hashPin, withHashingSlot } from './pin-hash.ts';
import { pinProblems } from './pin-policy.ts';
import { FACE_DIMENSIONS, FACE_MATCH_THRESHOLD, decodeFace, matchScore } from '../registry/faces.ts';
import { registryFaceOf } from '../registry/face-key.ts';
import { enrolmentFailed, enrolmentSucceeded, takeEnrolmentAttempt } from './enrolment-guard.ts';
import { recordEnrolmentEvent } from './enrolment-events.ts';
import {
  findActiveDeviceOf,
  findUsableEnrolmentCode,
  insertDevice,
  insertEnrolmentCode,
  lockCitizenForEnrolment,
  revokeActiveDevice,
  useEnrolmentCode,
} from './queries.ts';

export type IdentityProof =
  /** faceSample: the camera's sample of the face, as encodeFace writes it (src/registry/faces.ts). */
  | { method: 'self'; pid: string; laserCode: string; birthdate: string; faceSample: string }
  | { method: 'office'; enrolmentCode: string };

export interface EnrolmentRequest {
  publicJwk: JWK;
  name: string;
  pin: string;
  integrity: IntegrityVerdict;
  proof: IdentityProof;
  /** Where the request came from, for counting failed self-service attempts per address. */
  clientAddress: string;
}

export interface Enrolment {
  deviceId: string;
  pid: string;
  /** The device this enrolment replaced, signed out at once. */
  replacedDeviceId: string | undefined;
  /** Self-service only: the face match against the registry photo, in percent, and the pass mark. */
  faceMatch?: { score: number; threshold: number };
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

const identityNotVerified = () =>
  new ForbiddenError(
    'identity_not_verified',
    'The citizen ID, laser code and date of birth do not match the civil registry. Check them against the ID card.',
  );

/**
 * Tells the citizen's phone, and their history, that someone tried to enrol another phone with their card data
 * and failed: if it was not them, their card data are in someone else's hands.
 */
async function warnCitizen(db: Kysely<Schema>, pid: string, why: { th: string; en: string }): Promise<void> {
  await recordEnrolmentEvent(db, pid, 'enrolment_failed');
  const device = await findActiveDeviceOf(db, pid);
  if (!device) return;
  await insertNotification(db, {
    pid,
    deviceId: device.id,
    kind: 'enrolment_failed',
    th: `มีผู้พยายามลงทะเบียน ThaID บนอุปกรณ์อื่นด้วยข้อมูลบัตรประชาชนของคุณ แต่ไม่สำเร็จ (${why.th}) หากไม่ใช่คุณ โปรดติดต่อสำนักทะเบียน`,
    en: `Someone tried to enrol ThaID on another phone with your ID card details and failed (${why.en}). If it was not you, contact a registration office.`,
    details: { reason: why.en },
  });
}

/**
 * Takes one of the citizen ID's enrolments an hour (rate-limits.ts) and one attempt of its failure count
 * (enrolment-guard.ts), for an attempt that will be judged: a refused attempt gives its point back, so whoever
 * knows a citizen ID spends the citizen's enrolments only by attempts the citizen is told of.
 */
async function takeJudgedAttempt(db: Kysely<Schema>, limits: RateLimiter, pid: string, clientAddress: string): Promise<void> {
  await limits.take('enrolmentsPerCitizen', pid);
  try {
    await takeEnrolmentAttempt(db, pid, clientAddress);
  } catch (refusal) {
    await limits.giveBack('enrolmentsPerCitizen', pid);
    throw refusal;
  }
}

/**
 * Self-service: the card data must match the registry, then the face its photo (FVS, src/registry/faces.ts).
 * Each attempt is counted before it is judged (takeJudgedAttempt); a failure also warns the citizen's phone.
 */
async function citizenForSelfEnrolment(
  db: Kysely<Schema>,
  limits: RateLimiter,
  proof: Extract<IdentityProof, { method: 'self' }>,
  clientAddress: string,
): Promise<{ citizen: Citizen; faceMatch: { score: number; threshold: number } }> {
  // A malformed sample is refused before the attempt counts or the card data are looked at (the device API's
  // schema refuses it first): its answer must not depend on whether the card data are right.
  const sample = decodeFace(proof.faceSample);
  if (!sample) throw new InvalidRequestError(`proof.faceSample: must be ${FACE_DIMENSIONS} finite float32 numbers, not all zero, little-endian, in base64url.`);
  await takeJudgedAttempt(db, limits, proof.pid, clientAddress);
  const citizen = await findCitizen(db, proof.pid);
  const failed = async (why: { th: string; en: string } | undefined, error: Error) => {
    await enrolmentFailed(db, clientAddress);
    if (citizen && why) await warnCitizen(db, citizen.pid, why);
    return error;
  };
  // One answer whatever part is wrong: the registry must not confirm that an ID exists.
  if (!citizen || citizen.laserCode !== normaliseLaserCode(proof.laserCode) || citizen.birthdate !== proof.birthdate) {
    throw await failed(citizen && { th: 'ข้อมูลบัตรไม่ตรงกับทะเบียนราษฎร', en: 'the card details did not match the registry' }, identityNotVerified());
  }
  const score = matchScore(await registryFaceOf(db, citizen.pid), sample);
  if (score < FACE_MATCH_THRESHOLD) {
    throw await failed(
      { th: 'ใบหน้าไม่ตรงกับภาพในทะเบียนราษฎร', en: 'the face did not match the registry photo' },
      new ForbiddenError('face_not_matched', 'The face does not match the photo in the civil registry. Try again facing the camera in good light, or enrol at a registration office.'),
    );
  }
  return { citizen, faceMatch: { score, threshold: FACE_MATCH_THRESHOLD } };
}

const invalidCode = () =>
  new ForbiddenError('invalid_enrolment_code', 'The enrolment code is not valid: it is wrong, used already or expired. Ask the officer for a new one.');

async function citizenForOfficeEnrolment(db: Kysely<Schema>, code: string): Promise<Citizen> {
  const pid = await findUsableEnrolmentCode(db, hashCode(code));
  const citizen = pid && (await findCitizen(db, pid));
  if (!citizen) throw invalidCode();
  return citizen;
}

function requireStrongPin(pin: string, citizen: { birthdate: string; pid: string }): void {
  const problems = pinProblems(pin, citizen);
  if (problems.length) throw new InvalidRequestError(problems.join(' '), { pin: problems });
}

/**
 * Enrols a phone for a citizen. In one database transaction it revokes the citizen's previous device and
 * cancels the logins that device had in hand: one phone only, effective at once.
 */
export async function enrolDevice(db: Kysely<Schema>, limits: RateLimiter, request: EnrolmentRequest): Promise<Enrolment> {
  requireIntactDevice(request.integrity);
  const proof = request.proof;
  // The PIN is judged before the registry is consulted, so a refused PIN says nothing about whether the
  // identity details are real.
  if (proof.method === 'self') requireStrongPin(request.pin, proof);
  const self = proof.method === 'self' ? await citizenForSelfEnrolment(db, limits, proof, request.clientAddress) : undefined;
  const citizen = proof.method === 'self' ? self!.citizen : await citizenForOfficeEnrolment(db, proof.enrolmentCode);
  if (proof.method === 'office') requireStrongPin(request.pin, citizen);
  const pinHash = await withHashingSlot(() => hashPin(request.pin));
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
    await recordEnrolmentEvent(trx, citizen.pid, 'device_enrolled', deviceId);
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
  await enrolmentSucceeded(db, citizen.pid, request.clientAddress);
  return { deviceId, pid: citizen.pid, replacedDeviceId: replaced?.id, ...(self ? { faceMatch: self.faceMatch } : {}) };
}
