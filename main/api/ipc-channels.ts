// The desktop app's IPC surface, shared by the preload and main/electron/ipc.ts so the two cannot
// drift apart; import-free, because the sandboxed preload needs only these names, not the schemas
// (and zod) behind them.

/** The StudioApi's methods; methods.ts checks that this list and the contract name the same ones. */
export const METHOD_NAME_LIST = [
  'projects.create',
  'projects.list',
  'projects.get',
  'projects.rename',
  'projects.delete',
  'datasets.list',
  'datasets.pairs',
  'datasets.health',
  'runs.start',
  'runs.pause',
  'runs.resume',
  'runs.stop',
  'runs.list',
  'runs.get',
  'runs.delete',
  'runs.metrics',
  'runs.samples',
  'checkpoints.list',
  'exports.start',
  'exports.list',
  'exports.get',
  'exports.stop',
  'models.import',
  'models.export',
  'models.exports',
  'models.getExport',
  'settings.get',
  'settings.set',
  'backend.info',
  'fs.listFolders',
] as const;

/** Each method has its own channel: `studio:runs.start`. */
export const methodChannel = (method: string): string => `studio:${method}`;

/** The studio's events, main → renderer. */
export const EVENT_CHANNEL = 'studio:event';

/** The desktop shell's extras beside the StudioApi. */
export const SHELL_CHANNELS = {
  pickFolder: 'studio:pick-folder',
  pickFile: 'studio:pick-file',
  showInFolder: 'studio:show-in-folder',
} as const;
