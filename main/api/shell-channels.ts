// IPC channel names of the desktop shell's extras; import-free so the sandboxed preload stays small.
export const SHELL_CHANNELS = {
  pickFolder: 'studio:pick-folder',
  pickFile: 'studio:pick-file',
  showInFolder: 'studio:show-in-folder',
} as const;
