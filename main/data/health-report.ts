// The shape of a dataset check-up. Plain JSON, so the studio can show it and a run can store it
// next to its checkpoints; health.ts fills it in, health-summary.ts puts it into words.
import type { ImageReadReason } from './errors.js';
import type { DatasetLayout, LayoutFolderRole } from './layout.js';

export interface Size {
  width: number;
  height: number;
}

export interface UnreadableFile {
  path: string;
  reason: ImageReadReason;
  /** What is wrong and what to do. */
  message: string;
}

export interface FolderHealth {
  dir: string;
  /** AB: side-by-side pairs (sizes below are of one half); A/B: one domain; images: a plain folder. */
  role: LayoutFolderRole;
  /** Image files (by extension). */
  files: number;
  readable: number;
  /** Non-image files that are ignored, by extension. */
  otherFiles: Record<string, number>;
  /** Per-dimension min / median / max over readable images, and how many distinct sizes. */
  sizes: { min: Size; median: Size; max: Size; distinct: number } | null;
  /** width / height; `differing` counts images more than 1% away from the median ratio. */
  aspectRatios: { min: number; median: number; max: number; differing: number } | null;
  /** gray, gray+alpha, rgb, rgba, cmyk → count. */
  channels: Record<string, number>;
  /** "8" / "16" → count. */
  bitDepths: Record<string, number>;
  formats: Record<string, number>;
  /** Images with transparency; Tandem composites them on white. */
  withAlpha: string[];
  /** Images with an EXIF orientation other than upright; Tandem rotates them upright. */
  exifRotated: string[];
  /** Readable images smaller than the crop in either dimension (they get upscaled or padded). */
  tiny: Array<{ path: string } & Size>;
  /** AB only: odd widths, whose last column belongs to neither half and is dropped. */
  oddWidth: string[];
  unreadable: UnreadableFile[];
}

export interface HealthReport {
  version: 1;
  layout: { kind: DatasetLayout['kind']; description: string } | null;
  cropSize: number;
  folders: FolderHealth[];
  /** Groups of byte-identical files (sha256), across all folders. */
  duplicates: Array<{ sha256: string; paths: string[] }>;
  /** Paired folders: files with no partner of the same name. */
  unmatched: { A: string[]; B: string[] } | null;
  /** Paired folders: pairs whose A and B differ in size (B is resized to A's size for training). */
  pairSizeMismatches: Array<{ a: string; b: string; sizeA: Size; sizeB: Size }>;
  totals: {
    files: number;
    readable: number;
    unreadable: number;
    /** What training can actually use: readable aligned files, pairs with both sides readable, … */
    usable: number;
  };
}

export interface HealthOptions {
  /** The crop size to compare against (tiny images); default 256. */
  cropSize?: number;
  /** Files inspected at once; default 4 (sharp's thread pool size). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}
