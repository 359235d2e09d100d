import { decodeFace, encodeFace, sampleOf, strangerFace } from '../registry/faces.ts';

/** Who stands before the camera of a virtual device enrolling by self-service. */
export type FaceMatch = 'pass' | 'fail';
export const faceMatches: readonly FaceMatch[] = ['pass', 'fail'];

/**
 * A face sample for a virtual device's self-service enrolment of `pid`: for 'pass', a camera-like sample of the
 * citizen's registry face, read through the admin API (the sandbox's operator plays the citizen); for 'fail',
 * someone else's face.
 */
export async function faceSampleFor(issuer: string, adminToken: string, pid: string, match: FaceMatch): Promise<string> {
  if (match === 'fail') return encodeFace(sampleOf(strangerFace()));
  const response = await fetch(`${issuer}/admin/api/citizens/${encodeURIComponent(pid)}/face`, { headers: { authorization: `Bearer ${adminToken}` } });
  const body = (await response.json().catch(() => ({}))) as { template?: string; error_description?: string };
  const face = body.template === undefined ? undefined : decodeFace(body.template);
  if (!response.ok || !face) throw new Error(`The registry's face of ${pid} could not be read: ${body.error_description ?? response.status}`);
  return encodeFace(sampleOf(face));
}
