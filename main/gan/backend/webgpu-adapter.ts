// What Tandem knows about a WebGPU adapter, from Dawn's GPUAdapterInfo alone (no Dawn import here,
// so the rules are testable without a GPU).
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The fields of GPUAdapterInfo that Dawn fills in. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  /** Dawn normalises it to lower-case words joined by hyphens: 'apple-m2-pro'. */
  device?: string;
  /** The driver's own words: 'SwiftShader driver 5.0.0', 'Metal driver on macOS …'. */
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface GpuAdapter {
  /** For people: 'Apple M2 Pro', 'NVIDIA GeForce RTX 4070', 'SwiftShader driver 5.0.0'. */
  name: string;
  vendor: string;
  architecture: string;
  /** The native API Dawn drives on this platform. */
  api: 'metal' | 'd3d12' | 'vulkan';
  /** A CPU rasteriser posing as a GPU: slower than wasm, so never chosen automatically. */
  software: boolean;
}

/** Software implementations Dawn may offer as adapters (Vulkan, GL and D3D ones). */
const SOFTWARE = /swiftshader|lavapipe|llvmpipe|softpipe|microsoft[-\s]basic[-\s]render/i;

/** Dawn's device names are normalised to lower case; these words read better restored. */
const SPELLING: Readonly<Record<string, string>> = {
  nvidia: 'NVIDIA',
  geforce: 'GeForce',
  amd: 'AMD',
  ati: 'ATI',
  rtx: 'RTX',
  gtx: 'GTX',
  uhd: 'UHD',
  hd: 'HD',
  rx: 'RX',
  xt: 'XT',
  xtx: 'XTX',
  ti: 'Ti',
};
/** What is left of '(R)' and '(TM)' after normalisation. */
const DROPPED = new Set(['r', 'tm']);

export function apiForPlatform(platform: NodeJS.Platform = process.platform): GpuAdapter['api'] {
  if (platform === 'darwin') return 'metal';
  if (platform === 'win32') return 'd3d12';
  return 'vulkan';
}

export function describeAdapter(info: AdapterInfoLike, platform: NodeJS.Platform = process.platform): GpuAdapter {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const description = (info.description ?? '').trim();
  const software = info.isFallbackAdapter === true || SOFTWARE.test([vendor, architecture, info.device ?? '', description].join(' '));
  return { name: adapterName(info, software), vendor, architecture, api: apiForPlatform(platform), software };
}

function adapterName(info: AdapterInfoLike, software: boolean): string {
  const description = (info.description ?? '').trim();
  // A software adapter's driver description names it best ('SwiftShader driver 5.0.0').
  if (software && description) return description;
  const words = (info.device ?? '').split(/[-\s]+/).filter((w) => w && !DROPPED.has(w.toLowerCase()));
  // Some drivers report only a PCI id ('0x2684'): no name to show.
  if (words.length && !(words.length === 1 && /^(0x)?[0-9a-f]+$/i.test(words[0]!))) {
    return words.map((w) => SPELLING[w.toLowerCase()] ?? (/^[a-z]/.test(w) ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
  }
  if (description) return description;
  const fallback = [info.vendor, info.architecture].filter(Boolean).join(' ');
  return fallback || 'unnamed adapter';
}

/**
 * Whether the Vulkan loader has any driver to offer (Linux). Without one, loading Dawn only prints
 * warnings to stderr and finds nothing, so automatic choice skips it without loading dawn.node.
 * Searched as the loader does: the VK_ICD_FILENAMES / VK_DRIVER_FILES overrides, then the
 * icd.d folders under the XDG config and data directories.
 */
export function vulkanDriversPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.VK_ICD_FILENAMES?.trim() || env.VK_DRIVER_FILES?.trim() || env.VK_ADD_DRIVER_FILES?.trim()) return true;
  const home = os.homedir();
  const configDirs = [env.XDG_CONFIG_HOME || path.join(home, '.config'), ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'), '/etc'];
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const dataDirs = [dataHome, ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')];
  return [...configDirs, ...dataDirs].some((dir) => {
    const icd = path.join(dir, 'vulkan', 'icd.d');
    try {
      return existsSync(icd) && readdirSync(icd).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}
