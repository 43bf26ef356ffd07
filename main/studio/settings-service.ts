// Studio settings: defaults for new runs.
import { createRequire } from 'node:module';
import type { BackendInfo, Settings } from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import { runScheduleSchema, type BackendName } from '../api/run-options.js';
import { measuredSpeeds, webgpuProbe } from './backend-facts.js';
import type { StudioContext } from './context.js';

export function getSettings(ctx: StudioContext): Settings {
  return {
    backend: ctx.store.settings.get<BackendName>('backend') ?? 'auto',
    schedule: runScheduleSchema.parse(ctx.store.settings.get<unknown>('schedule') ?? {}),
  };
}

export function setSettings(ctx: StudioContext, input: MethodParams<'settings.set'>): Settings {
  const current = getSettings(ctx);
  ctx.store.transaction(() => {
    if (input.backend) ctx.store.settings.set('backend', input.backend);
    if (input.schedule) ctx.store.settings.set('schedule', runScheduleSchema.parse({ ...current.schedule, ...input.schedule }));
  });
  return getSettings(ctx);
}

/** Whether an optional package is installed, without loading it (loading tfjs-node costs seconds). */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

export function backendInfo(ctx: StudioContext): BackendInfo {
  return {
    requested: getSettings(ctx).backend,
    installed: { gpu: installed('@tensorflow/tfjs-node-gpu'), node: installed('@tensorflow/tfjs-node'), wasm: true, cpu: true },
    lastReported: ctx.lastBackendLine,
    jobsAvailable: ctx.runner.available,
    webgpu: webgpuProbe(ctx),
    measured: measuredSpeeds(ctx),
  };
}
