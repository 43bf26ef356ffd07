// The engine's view of the training options, whose one table lives in main/options (zod-only,
// shared with the studio's API and the renderer).
import { modelOptionsSchema, type ModelOptions, type ModelOptionsInput } from '../../options/index.js';

export {
  modelOptionsSchema,
  type CutOptions,
  type CycleGanOptions,
  type ModelOptions,
  type ModelOptionsInput,
  type Pix2PixOptions,
} from '../../options/index.js';

/** Fills in the reference's defaults for the chosen model and validates; errors name the option. */
export function resolveOptions(input: ModelOptionsInput): ModelOptions {
  const parsed = modelOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid training options: ${issues}`);
  }
  return parsed.data;
}
