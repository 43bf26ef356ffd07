// The desktop shell's extras beside the StudioApi (native pickers, reveal in the file manager):
// the schemas their requests are checked against in the main process (channels: ipc-channels.ts).
import { z } from 'zod';
import { absolutePathSchema } from './schemas.js';

export const pickFolderRequest = z
  .strictObject({ title: z.string().max(200).optional(), defaultPath: absolutePathSchema.optional() })
  .default({});

export const pickFileRequest = z
  .strictObject({
    title: z.string().max(200).optional(),
    defaultPath: absolutePathSchema.optional(),
    /** Without the dot: ["pth", "pt"]. */
    extensions: z
      .array(z.string().regex(/^[A-Za-z0-9]{1,10}$/))
      .max(8)
      .optional(),
  })
  .default({});

export const showInFolderRequest = absolutePathSchema;
