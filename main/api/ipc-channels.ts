// The desktop app's IPC channel names, shared by the preload and main/electron/ipc.ts so the two
// cannot drift apart; import-free so the sandboxed preload stays small.

/** Each StudioApi method has its own channel: `studio:runs.start`. */
export const methodChannel = (method: string): string => `studio:${method}`;

/** The studio's events, main → renderer. */
export const EVENT_CHANNEL = 'studio:event';

/** The desktop shell's extras beside the StudioApi. */
export const SHELL_CHANNELS = {
  pickFolder: 'studio:pick-folder',
  pickFile: 'studio:pick-file',
  showInFolder: 'studio:show-in-folder',
} as const;
