/** A mistake the user can fix (bad flag, missing folder…): printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

// GpuWorkError: the GPU refused Tandem's own programs.
const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'InternalError', 'GpuWorkError']);

/**
 * Tandem's own errors are written for the user (what is wrong, what to do). The built-in error
 * kinds that signal a bug are not: those get a pointer to --debug instead.
 */
export function isUserFacing(e: unknown): e is Error {
  return e instanceof Error && !PROGRAMMING_ERRORS.has(e.name);
}
