import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileFeatureMap, MemoryFeatureMap, type FeatureMap } from './feature-map.js';

/**
 * Where an exact tiled translation keeps its whole-image maps: in memory while they fit the
 * budget, else in temporary files (created lazily in `dir`, removed on dispose). Counts what it
 * spilled so the log can say so.
 */
export class FeatureStore {
  private live = 0;
  private tempDir: string | null = null;
  private counter = 0;
  /** Bytes written to disk so far, and the most held in memory at once. */
  spilledBytes = 0;
  peakMemoryBytes = 0;

  constructor(
    readonly memoryBudgetBytes: number,
    private readonly parentDir = os.tmpdir(),
  ) {}

  create(channels: number, height: number, width: number): FeatureMap {
    const bytes = channels * height * width * 4;
    if (this.live + bytes <= this.memoryBudgetBytes) {
      const map = new MemoryFeatureMap(channels, height, width);
      this.live += bytes;
      this.peakMemoryBytes = Math.max(this.peakMemoryBytes, this.live);
      const dispose = map.dispose.bind(map);
      let freed = false;
      map.dispose = () => {
        if (!freed) this.live -= bytes;
        freed = true;
        dispose();
      };
      return map;
    }
    this.tempDir ??= mkdtempSync(path.join(this.parentDir, 'tandem-tiles-'));
    this.spilledBytes += bytes;
    return new FileFeatureMap(channels, height, width, path.join(this.tempDir, `map-${this.counter++}.f32`));
  }

  /** Removes the temporary folder (maps still open are closed by their own dispose). */
  dispose(): void {
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    this.tempDir = null;
  }
}
