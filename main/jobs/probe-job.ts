// Names the GPU this machine's job processes would train on. Dawn loads here, in a job process,
// never in the studio's own: a native addon that misbehaves then takes down only this child.
import { openDawnAdapter } from '../gan/backend/dawn.js';
import type { ProbeResultMessage } from './protocol.js';

export async function runProbeJob(): Promise<ProbeResultMessage> {
  const opened = await openDawnAdapter({ checkDrivers: true });
  return { kind: 'probe', webgpu: opened.ok ? { found: true, adapter: opened.description } : { found: false, reason: opened.reason } };
}
