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

/** How far a CUT step's gradients may be from the official run's (see test/unit/cut/step-compare.ts). */
export interface GradBounds {
  /** |Σ|g| − Σ|g_ref|| / Σ|g_ref| per tensor. */
  gradAbsSum: number;
  /** |Σg − Σg_ref| / Σ|g_ref| per tensor. */
  gradSum: number;
  /** max over the first 5 elements of |g − g_ref| / max|g_ref|. */
  gradFirst5: number;
  /** How many of a tensor's n weights may step the other way (a gradient within rounding of zero). */
  flipsPerTensor: (n: number) => number;
}

/** Bounds for one official CUT/FastCUT step (test/fixtures/cut). */
export interface CutStepTolerance {
  /** |ours - official| / |official| for each loss and each layer's NCE mean (D_fake is ~4e-9, so all are relative). */
  lossRel: number;
  /** max |ours - official| over fake_B and idt_B (values in [-1, 1]). */
  visual: number;
  /** max |ours - official| over D's outputs (~1e-4 in size: xavier(0.02) keeps them small). */
  dOutput: number;
  grad: GradBounds;
}
