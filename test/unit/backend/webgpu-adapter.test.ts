import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAdapter, vulkanDriversPresent } from '../../../main/gan/backend/webgpu-adapter.js';

describe('describeAdapter', () => {
  it('names hardware adapters from the device Dawn reports, with the platform API', () => {
    expect(
      describeAdapter(
        { vendor: 'apple', architecture: 'metal-3', device: 'apple-m2-pro', description: 'Metal driver on macOS Version 14.4' },
        'darwin',
      ),
    ).toEqual({
      name: 'Apple M2 Pro',
      vendor: 'apple',
      architecture: 'metal-3',
      api: 'metal',
      software: false,
    });
    expect(
      describeAdapter(
        { vendor: 'nvidia', architecture: 'ada', device: 'nvidia-geforce-rtx-4070-ti', description: 'NVIDIA: 551.61' },
        'win32',
      ),
    ).toMatchObject({
      name: 'NVIDIA GeForce RTX 4070 Ti',
      api: 'd3d12',
      software: false,
    });
    expect(describeAdapter({ vendor: 'intel', device: 'intel-r-uhd-graphics-630' }, 'linux')).toMatchObject({
      name: 'Intel UHD Graphics 630',
      api: 'vulkan',
    });
    expect(describeAdapter({ vendor: 'amd', device: 'amd-radeon-rx-7900-xtx' }, 'linux').name).toBe('AMD Radeon RX 7900 XTX');
  });

  it('falls back to the driver description, then vendor and architecture, when the device is only a PCI id', () => {
    expect(
      describeAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '0x2684', description: 'NVIDIA GeForce RTX 3080' }, 'linux').name,
    ).toBe('NVIDIA GeForce RTX 3080');
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '0x2684', description: '' }, 'linux').name).toBe(
      'nvidia ampere',
    );
    expect(describeAdapter({}, 'linux').name).toBe('unnamed adapter');
  });

  it('marks software rasterisers, whichever field gives them away, and names them by their driver', () => {
    const swiftShader = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: 'swiftshader-device-subzero-',
      description: 'SwiftShader driver 5.0.0',
      isFallbackAdapter: true,
    };
    expect(describeAdapter(swiftShader, 'linux')).toMatchObject({ name: 'SwiftShader driver 5.0.0', software: true });
    expect(describeAdapter({ ...swiftShader, isFallbackAdapter: false }, 'linux').software).toBe(true);
    expect(
      describeAdapter({ vendor: 'mesa', device: 'llvmpipe-llvm-15-0-6-256-bits', description: 'Mesa 22.3.6 (LLVM 15.0.6)' }, 'linux'),
    ).toMatchObject({ software: true });
    expect(describeAdapter({ vendor: 'mesa', device: 'lavapipe' }, 'linux').software).toBe(true);
    expect(describeAdapter({ vendor: 'microsoft', device: 'microsoft-basic-render-driver' }, 'win32').software).toBe(true);
    expect(describeAdapter({ vendor: 'unknown', device: 'some-gpu', isFallbackAdapter: true }, 'linux').software).toBe(true);
  });
});

describe('vulkanDriversPresent', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tandem-vk-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const empty = {
    HOME: root,
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_CONFIG_DIRS: path.join(root, 'xdg'),
    XDG_DATA_HOME: path.join(root, 'data'),
    XDG_DATA_DIRS: path.join(root, 'share'),
  };

  it('is true when the loader is pointed at a driver', () => {
    expect(vulkanDriversPresent({ ...empty, VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' })).toBe(true);
    expect(vulkanDriversPresent({ ...empty, VK_DRIVER_FILES: '/x/icd.json' })).toBe(true);
  });

  it('finds ICD manifests in the XDG data folders, and nothing in empty ones', () => {
    // /etc/vulkan/icd.d is searched too: on this machine it may hold a real driver.
    const withoutEtc = vulkanDriversPresent(empty);
    const icd = path.join(root, 'share', 'vulkan', 'icd.d');
    mkdirSync(icd, { recursive: true });
    expect(vulkanDriversPresent(empty)).toBe(withoutEtc);
    writeFileSync(path.join(icd, 'nvidia_icd.json'), '{}');
    expect(vulkanDriversPresent(empty)).toBe(true);
  });
});
