// Where the studio keeps its database and artifacts.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The platform's per-user application data folder for Tandem. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.TANDEM_DATA) return env.TANDEM_DATA;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tandem');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tandem');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Tandem');
}

export class DataDir {
  constructor(readonly root: string) {}
  get database(): string {
    return join(this.root, 'tandem.db');
  }
  project(projectId: string): string {
    return join(this.root, 'projects', projectId);
  }
  run(projectId: string, runId: string): string {
    return join(this.project(projectId), 'runs', runId);
  }
  export(projectId: string, exportId: string): string {
    return join(this.project(projectId), 'exports', exportId);
  }
  /** Where a model export goes unless the user picks a place: models/<run name>-<id>.onnx or …-tfjs/. */
  modelExport(projectId: string, stem: string, format: 'onnx' | 'tfjs'): string {
    return join(this.project(projectId), 'models', format === 'onnx' ? `${stem}.onnx` : `${stem}-tfjs`);
  }
}
