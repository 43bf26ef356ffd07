// A form's call to the studio: the form is busy while the call runs, and shows what a failed call
// reported, beside the field it names where it names one.
import type { ApiResult } from '$api/errors.js';

/** A failed call as a form shows it: the message, and the field path (e.g. "options.lr") where it names one. */
export interface FormError {
  message: string;
  field?: string;
}

export class Submission {
  busy = $state(false);
  error = $state<FormError | null>(null);

  /** Runs `call`, clearing the last error; `done` gets the result of a call that succeeded. */
  async run<T>(call: () => Promise<ApiResult<T>>, done: (result: T) => void): Promise<void> {
    this.busy = true;
    this.error = null;
    let r: ApiResult<T>;
    try {
      r = await call();
    } catch (e) {
      // A transport that throws must not leave the form busy for good.
      this.error = { message: e instanceof Error ? e.message : String(e) };
      return;
    } finally {
      this.busy = false;
    }
    if (r.ok) done(r.result);
    else this.error = r.error.field ? { message: r.error.message, field: r.error.field } : { message: r.error.message };
  }

  /** The error's message where its field path starts with `field`, for that field's own error line. */
  fieldError(field: string): string | null {
    return this.error?.field?.split('.')[0] === field ? this.error.message : null;
  }
}
