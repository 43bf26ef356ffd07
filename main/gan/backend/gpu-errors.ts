// Errors a GPU backend reports after the fact: WebGPU does not throw where work fails, it marks
// the work invalid (later results are garbage) and reports through error scopes.

/** The GPU ran out of memory during a step: that step's results, and any update it made, are garbage. */
export class GpuOutOfMemoryError extends Error {
  override readonly name = 'GpuOutOfMemoryError';
  constructor(
    message: string,
    /** What the backend held on the GPU when the allocation failed: about what fits. */
    readonly capacityBytes: number,
  ) {
    super(message);
  }
}

/** The GPU refused Tandem's work (a validation or internal error): a bug, not the user's doing. */
export class GpuWorkError extends Error {
  override readonly name = 'GpuWorkError';
}
