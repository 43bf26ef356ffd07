/** Bounds a backend's parity tests hold it to; each test file states and justifies its own. */
export interface NetworkTolerance {
  /** max |ours - reference| over a network's output (values in about [-1, 1]). */
  output: number;
}

export interface StepTolerance {
  /** max |ours - reference| over the step's images (values in [-1, 1]). */
  visual: number;
  /** |ours - reference| / max(1, |reference|) for each loss. */
  lossRel: number;
}
