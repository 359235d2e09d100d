import { createHmac, randomBytes } from 'node:crypto';

/*
 * Synthetic faces for the face verification of the 2024 announcement (FVS): a 1:1 comparison of a face sample
 * with the photo in the civil registry, answered as a match score in percent. The registry's "photo" of each
 * citizen is a face template: a unit vector of FACE_DIMENSIONS numbers derived from the installation's secret
 * face key and the citizen ID, so it is never stored and cannot be worked out from the code and an ID number.
 * A sample is a vector of the same size as a camera would yield it; the score is their cosine similarity in
 * percent (negative counts as 0). The sources give no pass mark: FACE_MATCH_THRESHOLD is this emulator's choice.
 */

export const FACE_DIMENSIONS = 128;
export const FACE_MATCH_THRESHOLD = 80;
/** A sample on the wire: the vector as little-endian float32, base64url. */
export const FACE_SAMPLE_LENGTH = Math.ceil((FACE_DIMENSIONS * 4 * 4) / 3);

export type FaceVector = Float32Array;

/** Normal deviates from a stream of bytes (Box-Muller), enough for FACE_DIMENSIONS numbers. */
function gaussians(bytes: Buffer): number[] {
  const values: number[] = [];
  for (let i = 0; values.length < FACE_DIMENSIONS; i += 4) {
    const u = (bytes.readUInt16BE(i) + 1) / 65_537;
    const v = bytes.readUInt16BE(i + 2) / 65_536;
    values.push(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return values;
}

function unit(values: number[]): FaceVector {
  const norm = Math.hypot(...values) || 1;
  return Float32Array.from(values, (x) => x / norm);
}

/** Bytes enough for FACE_DIMENSIONS deviates, from HMAC-SHA256 in counter mode. */
function streamOf(key: Buffer, label: string): Buffer {
  const blocks = Math.ceil((FACE_DIMENSIONS * 4) / 32);
  return Buffer.concat(Array.from({ length: blocks }, (_, i) => createHmac('sha256', key).update(`${label}:${i}`).digest()));
}

/** The registry's face template of the citizen `pid`, under the installation's face key. */
export function registryFace(faceKey: Buffer, pid: string): FaceVector {
  return unit(gaussians(streamOf(faceKey, `face:${pid}`)));
}

/** A face that is nobody's in particular: what a camera sees when someone else stands before it. */
export function strangerFace(): FaceVector {
  return unit(gaussians(randomBytes(FACE_DIMENSIONS * 4)));
}

/** A camera's sample of `face`: the same face with some noise, as two photos of one person differ. */
export function sampleOf(face: FaceVector, noise = 0.25): FaceVector {
  const jitter = gaussians(randomBytes(FACE_DIMENSIONS * 4));
  return unit(Array.from(face, (x, i) => x + (noise / Math.sqrt(FACE_DIMENSIONS)) * jitter[i]!));
}

/**
 * The match score in percent, 0 to 100: the cosine of the angle between the two, whatever their lengths. A sample
 * is a direction, not an amount: a long one (a vector scaled up) must not outscore its own direction.
 */
export function matchScore(template: FaceVector, sample: FaceVector): number {
  let dot = 0;
  let templateNorm = 0;
  let sampleNorm = 0;
  for (let i = 0; i < FACE_DIMENSIONS; i++) {
    dot += template[i]! * sample[i]!;
    templateNorm += template[i]! ** 2;
    sampleNorm += sample[i]! ** 2;
  }
  const cosine = dot / Math.sqrt(templateNorm * sampleNorm);
  return Number.isFinite(cosine) ? Math.max(0, Math.min(100, Math.round(cosine * 100))) : 0;
}

export const encodeFace = (face: FaceVector): string => Buffer.from(face.buffer, face.byteOffset, face.byteLength).toString('base64url');

/** The vector a sample's text carries, or undefined when it is not FACE_DIMENSIONS finite numbers, not all zero. */
export function decodeFace(text: string): FaceVector | undefined {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length !== FACE_DIMENSIONS * 4) return undefined;
  const face = new Float32Array(FACE_DIMENSIONS);
  for (let i = 0; i < FACE_DIMENSIONS; i++) face[i] = bytes.readFloatLE(i * 4);
  const norm = Math.hypot(...face);
  return face.every(Number.isFinite) && norm > 0 ? face : undefined;
}
