// What the columns of a sample grid PNG show (the model's visual names, in the trainer's order).
import type { ResolvedRunOptions } from '$api/run-options.js';

const LABELS: Record<string, string> = {
  real_A: 'real A',
  fake_B: 'fake B',
  rec_A: 'reconstructed A',
  idt_B: 'identity B',
  real_B: 'real B',
  fake_A: 'fake A',
  rec_B: 'reconstructed B',
  idt_A: 'identity A',
};

export function sampleColumns(
  o: Pick<ResolvedRunOptions, 'model'> & { lambda_identity?: number; nce_idt?: boolean; direction?: 'AtoB' | 'BtoA' },
): string[] {
  if (o.model === 'pix2pix') return ['input', 'output', 'target'];
  // CUT translates one way; with the identity NCE loss it also shows G(B).
  if (o.model === 'cut') return ['real_A', 'fake_B', 'real_B', ...(o.nce_idt ? ['idt_B'] : [])].map((n) => LABELS[n] ?? n);
  const idt = (o.lambda_identity ?? 0.5) > 0;
  const names = ['real_A', 'fake_B', 'rec_A', ...(idt ? ['idt_B'] : []), 'real_B', 'fake_A', 'rec_B', ...(idt ? ['idt_A'] : [])];
  return names.map((n) => LABELS[n] ?? n);
}
