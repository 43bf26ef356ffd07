// The WebSocket protocol (`tandem serve`): JSON text frames.
//   client → server  { id, method, params }
//   server → client  { id, ok: true, result } | { id, ok: false, error }   (id null when unparseable)
//   server → client  { event, data }                                      (pushed)
import { z } from 'zod';
import type { ApiError } from './errors.js';

export const requestEnvelopeSchema = z.strictObject({
  id: z.union([z.string().max(64), z.number().int().safe()]),
  method: z.string().max(64),
  params: z.unknown().optional(),
});

export type ResponseEnvelope =
  { id: string | number | null; ok: true; result: unknown } | { id: string | number | null; ok: false; error: ApiError };
