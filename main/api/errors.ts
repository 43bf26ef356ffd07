// Errors cross every boundary (IPC, WebSocket) as plain data, never as thrown objects: the
// renderer cannot rely on Error subclasses surviving structured clone or JSON.

/** What went wrong, coarse enough for the UI to react (e.g. 'folder-missing' offers "locate…"). */
export const ERROR_CODES = [
  'invalid-input', // a parameter failed its schema; the message names the field
  'too-large', // a request or a field over its size limit
  'unknown-method',
  'not-found', // an id that names nothing (project, run, checkpoint, export)
  'conflict', // the request contradicts the current state (stop a finished run, delete while training)
  'folder-missing', // a folder the request needs is not there (anymore)
  'forbidden-path', // a path outside the project's folders
  'dataset-error', // the folders hold no usable data for this request
  'unauthorized', // missing or wrong token
  'forbidden', // the caller may not make this request at all (e.g. IPC from a frame that is not the app's)
  'unavailable', // the capability is missing in this build (e.g. no job runner)
  'internal', // a bug: the message says what failed, the log has the stack
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  /** One or two sentences a user can act on: what is wrong and what to do about it. */
  message: string;
  /** For 'invalid-input': the offending field paths, e.g. ["options", "lr"]. */
  field?: string;
}

export type ApiResult<T> = { ok: true; result: T } | { ok: false; error: ApiError };

export function ok<T>(result: T): ApiResult<T> {
  return { ok: true, result };
}

export function fail(code: ErrorCode, message: string, field?: string): { ok: false; error: ApiError } {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}
