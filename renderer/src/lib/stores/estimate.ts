// What the Train view says about time: the engine's estimator (main/api/run-estimate.ts, the one
// the trainer's ETA starts from) for the backend a run would get, in words that follow the figure.
import type { BackendInfo, ProjectKind } from '$api/entities.js';
import { estimateRun, type ComputeBackend, type Estimate } from '$api/run-estimate.js';
import type { BackendName, ModelName } from '$api/run-options.js';
import { presetOptions, type Preset } from './presets.js';

/** The backend 'auto' resolves to, from what is installed and the GPU a job process found. */
export function effectiveBackend(requested: BackendName, info: BackendInfo | null): ComputeBackend {
  if (requested !== 'auto') return requested;
  if (!info) return 'wasm';
  if (info.installed.gpu) return 'gpu';
  if (info.webgpu?.state === 'found' && !info.webgpu.software) return 'webgpu';
  if (info.installed.node) return 'node';
  return 'wasm';
}

/** A duration as an estimate should be said: "under a minute", "about 50 minutes", "about 3 hours", "about 2 days". */
export function durationWords(seconds: number): string {
  const minutes = seconds / 60;
  if (minutes < 1) return 'under a minute';
  if (minutes < 1.5) return 'about a minute';
  if (minutes < 10) return `about ${Math.round(minutes)} minutes`;
  if (minutes < 55) return `about ${Math.round(minutes / 5) * 5} minutes`;
  const hours = minutes / 60;
  if (hours < 1.5) return 'about an hour';
  if (hours < 36) return `about ${Math.round(hours)} hours`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'about a day' : `about ${days} days`;
}

/** Where a preset would run: this project's images, on `backend` (`model`: the form's choice of model, if any). */
export interface PresetRun {
  kind: ProjectKind;
  images: number;
  backend: ComputeBackend;
  /** What the studio measured: the estimate is scaled to this machine's speed on `backend` where it has a figure. */
  info?: BackendInfo | null;
  model?: ModelName;
}

/** The estimate for a preset's own settings, before any change the user makes. */
export function presetEstimate(p: Preset, run: PresetRun): Estimate {
  const { kind, images, backend, info, model } = run;
  return estimateRun(presetOptions(p, kind, model), Math.max(1, images), backend, info?.measured[backend]);
}

/** "About 50 minutes for 200 images on the wasm backend (estimate)." */
export function presetDuration(p: Preset, run: PresetRun): string {
  const { images, backend } = run;
  const words = durationWords(presetEstimate(p, run).totalSeconds);
  const count = `${images.toLocaleString('en-US')} ${images === 1 ? 'image' : 'images'}`;
  return `${words[0]!.toUpperCase()}${words.slice(1)} for ${count} on the ${backend} backend (estimate).`;
}
