// CycleGAN's options: the reference's CycleGANModel.modify_commandline_options.
import { defineModel } from './model-definition.js';
import { option } from './option-spec.js';
import { float } from './value-types.js';

export const CYCLEGAN = defineModel({
  model: 'cyclegan',
  label: 'CycleGAN',
  data: 'unpaired',
  summary: 'two unpaired sets',
  defaults: { no_dropout: true },
  options: {
    lambda_A: option({
      type: float({ min: 0 }),
      default: 10,
      label: 'Cycle weight A',
      help: 'Weight of the A → B → A cycle loss.',
      group: 'Loss',
    }),
    lambda_B: option({
      type: float({ min: 0 }),
      default: 10,
      label: 'Cycle weight B',
      help: 'Weight of the B → A → B cycle loss.',
      group: 'Loss',
    }),
    lambda_identity: option({
      type: float({ min: 0 }),
      default: 0.5,
      label: 'Identity weight',
      help: 'Keeps colours when an image is already in the target style (× cycle weight; 0 = off).',
      group: 'Loss',
      step: 0.1,
    }),
  },
});
