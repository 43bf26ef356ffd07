// WebGPU tests run on SwiftShader, the software Vulkan driver Debian's chromium package ships:
// Dawn (the `webgpu` package) finds it as "SwiftShader driver 5.0.0" when the Vulkan loader is
// pointed at its ICD. It is slow (a CPU rasteriser) but exact, so it checks numbers, not speed.
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend, type BackendReport } from '../../main/gan/backend/index.js';

const ICD = process.env.TANDEM_TEST_VK_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'];

/** Why webgpu tests cannot run here (one line), or null when SwiftShader is available. */
export function swiftShaderSkipReason(): string | null {
  if (process.platform !== 'linux') return 'SwiftShader tests run on Linux only';
  if (!existsSync(ICD)) return `no SwiftShader Vulkan ICD at ${ICD} (apt install chromium)`;
  if (!LOADER_DIRS.some((d) => existsSync(path.join(d, 'libvulkan.so.1'))))
    return 'no Vulkan loader libvulkan.so.1 (apt install libvulkan1)';
  return null;
}

/** Environment that makes Dawn (in this process or a child) find SwiftShader and nothing else. */
export function swiftShaderEnv(): Record<string, string> {
  // The Vulkan loader and SwiftShader want a private runtime folder (mode 0700, as mkdtemp makes it).
  runtimeDir ??= mkdtempSync(path.join(os.tmpdir(), 'tandem-xdg-'));
  return { VK_ICD_FILENAMES: ICD, XDG_RUNTIME_DIR: runtimeDir };
}
let runtimeDir: string | undefined;

/** Starts tfjs's webgpu backend on SwiftShader in this test process. */
export async function useSwiftShaderBackend(): Promise<BackendReport> {
  Object.assign(process.env, swiftShaderEnv());
  const report = await initBackend('webgpu');
  if (report.name !== 'webgpu' || !report.adapter?.software) throw new Error(`expected SwiftShader, got: ${report.line}`);
  return report;
}
