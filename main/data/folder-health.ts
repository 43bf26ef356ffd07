// One folder's part of the check-up: sizes, aspect ratios, colour and format mix, and the images
// that will be changed (transparency, EXIF rotation, upscaling) or skipped.
import type { FileFacts } from './file-facts.js';
import type { FolderHealth, Size } from './health-report.js';
import type { ImageInfo } from './image-read.js';
import type { LayoutFolderRole } from './layout.js';
import type { FolderScan } from './scan.js';

function channelLabel(info: ImageInfo): string {
  switch (info.sourceChannels) {
    case 1:
      return 'gray';
    case 2:
      return 'gray+alpha';
    case 3:
      return 'rgb';
    case 4:
      return info.hadAlpha ? 'rgba' : 'cmyk';
    default:
      return `${info.sourceChannels} channels`;
  }
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function median(sorted: number[]): number {
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function summariseFolder(scan: FolderScan, role: LayoutFolderRole, facts: FileFacts[], cropSize: number): FolderHealth {
  const h: FolderHealth = {
    dir: scan.dir,
    role,
    files: facts.length,
    readable: 0,
    otherFiles: scan.otherFiles,
    sizes: null,
    aspectRatios: null,
    channels: {},
    bitDepths: {},
    formats: {},
    withAlpha: [],
    exifRotated: [],
    tiny: [],
    oddWidth: [],
    unreadable: [],
  };
  const sizes: Size[] = [];
  for (const f of facts) {
    if (!f.ok || !f.info) {
      const err = f.error!;
      h.unreadable.push({ path: f.path, reason: err.reason, message: err.detail });
      continue;
    }
    h.readable++;
    // A side-by-side file is two images; what gets cropped is one half.
    const size = role === 'AB' ? { width: Math.floor(f.width / 2), height: f.height } : { width: f.width, height: f.height };
    if (role === 'AB' && f.width % 2 === 1) h.oddWidth.push(f.path);
    sizes.push(size);
    count(h.channels, channelLabel(f.info));
    count(h.bitDepths, String(f.info.bitDepth));
    count(h.formats, f.info.format);
    if (f.info.hadAlpha) h.withAlpha.push(f.path);
    if (f.info.exifOrientation !== null && f.info.exifOrientation !== 1) h.exifRotated.push(f.path);
    if (size.width < cropSize || size.height < cropSize) h.tiny.push({ path: f.path, ...size });
  }
  if (sizes.length) {
    const ws = sizes.map((s) => s.width).sort((a, b) => a - b);
    const hs = sizes.map((s) => s.height).sort((a, b) => a - b);
    h.sizes = {
      min: { width: ws[0]!, height: hs[0]! },
      median: { width: median(ws), height: median(hs) },
      max: { width: ws[ws.length - 1]!, height: hs[hs.length - 1]! },
      distinct: new Set(sizes.map((s) => `${s.width}x${s.height}`)).size,
    };
    const ratios = sizes.map((s) => s.width / Math.max(1, s.height)).sort((a, b) => a - b);
    const mid = median(ratios);
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    h.aspectRatios = {
      min: round3(ratios[0]!),
      median: round3(mid),
      max: round3(ratios[ratios.length - 1]!),
      differing: ratios.filter((r) => Math.abs(r / mid - 1) > 0.01).length,
    };
  }
  return h;
}
