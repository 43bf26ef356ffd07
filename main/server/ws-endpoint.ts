// The API and events over one WebSocket. Each text frame is one request, checked before anything
// runs: size, JSON, envelope shape, method name, then the method's own schema (in the studio).
// Frames past the hard limit close the socket; frames past the request limit get a clear error.
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { fail, type ApiError } from '../api/errors.js';
import { LIMITS } from '../api/schemas.js';
import { requestEnvelopeSchema, type ResponseEnvelope } from '../api/wire.js';
import type { Studio } from '../studio/studio.js';

/** Frames up to this size are read (and refused with a message if over LIMITS.requestBytes). */
export const HARD_FRAME_LIMIT = 16 * 1024 * 1024;
/** A client that stops reading is dropped rather than buffered without bound. */
const MAX_BUFFERED = 64 * 1024 * 1024;

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function send(ws: WebSocket, message: unknown): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED) {
    ws.close(1013, 'client too slow: too many unread messages');
    return;
  }
  ws.send(JSON.stringify(message));
}

function errorReply(id: string | number | null, error: ApiError): ResponseEnvelope {
  return { id, ok: false, error };
}

/** Finds the request id without parsing the whole frame (for replies to oversized frames). */
function sniffId(text: string): string | number | null {
  const m = /^\s*\{\s*"id"\s*:\s*("(?:[^"\\]{0,64})"|-?\d{1,15})/.exec(text.slice(0, 200));
  if (!m) return null;
  return m[1]!.startsWith('"') ? m[1]!.slice(1, -1) : Number(m[1]);
}

export async function handleFrame(studio: Studio, data: RawData, isBinary: boolean): Promise<ResponseEnvelope> {
  const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
  if (isBinary) return errorReply(null, fail('invalid-input', 'Send requests as JSON text frames, not binary.').error);
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
  if (bytes > LIMITS.requestBytes) {
    return errorReply(
      sniffId(text),
      fail(
        'too-large',
        `The request is ${mb(bytes)}; requests are limited to ${mb(LIMITS.requestBytes)}. Nothing was changed. Send paths and names, not file contents.`,
      ).error,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return errorReply(null, fail('invalid-input', 'The request is not valid JSON; send {"id", "method", "params"}.').error);
  }
  const envelope = requestEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const id =
      typeof json === 'object' && json !== null && 'id' in json && (typeof json.id === 'string' || typeof json.id === 'number')
        ? json.id
        : null;
    const issue = envelope.error.issues[0]!;
    return errorReply(
      typeof id === 'string' ? id.slice(0, 64) : id,
      fail(
        'invalid-input',
        `Malformed request: ${issue.path.join('.') || 'envelope'}: ${issue.message}. Send {"id": string|number, "method": string, "params": object}.`,
      ).error,
    );
  }
  const { id, method, params } = envelope.data;
  const result = await studio.call(method, params);
  return result.ok ? { id, ok: true, result: result.result } : { id, ok: false, error: result.error };
}

/** Connections arrive already authorized (the HTTP server checks the upgrade request). */
export function createWsEndpoint(studio: Studio): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT, perMessageDeflate: false });
  wss.on('connection', (ws: WebSocket) => {
    // Snapshot first, then deltas: subscribing sends the snapshot synchronously.
    const unsubscribe = studio.subscribe((e) => send(ws, e));
    ws.on('message', (data, isBinary) => {
      handleFrame(studio, data, isBinary)
        .then((reply) => send(ws, reply))
        .catch((e: unknown) =>
          send(ws, errorReply(null, { code: 'internal', message: `Internal error: ${(e as Error)?.message ?? String(e)}` })),
        );
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  });
  return wss;
}
