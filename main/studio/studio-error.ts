import type { ApiError, ErrorCode } from '../api/errors.js';

/** An error meant for the user; the studio turns it into the { ok: false, error } envelope. */
export class StudioError extends Error {
  override readonly name = 'StudioError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toApiError(): ApiError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const notFound = (what: string, id: string | number) =>
  new StudioError('not-found', `There is no ${what} with id ${id}; it may have been deleted. Reload the list.`);
