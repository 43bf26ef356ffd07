import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * A whole-image activation map between two stages of an exact tiled translation: C channels of
 * H×W floats, kept in memory or, when memory is short, in a temporary file. Stored row by row,
 * each row holding its C channel runs ([H][C][W]), so a band of full-width rows is one contiguous
 * block on disk and a tile reads or writes it as NCHW with one copy per row and channel.
 */
export interface Region {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

export abstract class FeatureMap {
  constructor(
    readonly channels: number,
    readonly height: number,
    readonly width: number,
  ) {}

  get bytes(): number {
    return this.channels * this.height * this.width * 4;
  }

  protected get rowLength(): number {
    return this.channels * this.width;
  }

  /** The region as one NCHW image (N = 1). */
  read(r: Region): Float32Array {
    const w = r.x1 - r.x0;
    const h = r.y1 - r.y0;
    const out = new Float32Array(this.channels * h * w);
    const rows = this.rows(r.y0, r.y1);
    const L = this.rowLength;
    for (let y = 0; y < h; y++) {
      for (let c = 0; c < this.channels; c++) {
        const src = y * L + c * this.width + r.x0;
        out.set(rows.subarray(src, src + w), (c * h + y) * w);
      }
    }
    return out;
  }

  /**
   * Writes `region` of an NCHW tile that covers `from` (the tile's own extent), e.g. a tile's
   * exact core out of everything it computed.
   */
  write(tile: Float32Array, from: Region, region: Region): void {
    const tw = from.x1 - from.x0;
    const th = from.y1 - from.y0;
    const w = region.x1 - region.x0;
    const full = region.x0 === 0 && region.x1 === this.width;
    const rows = full ? new Float32Array((region.y1 - region.y0) * this.rowLength) : null;
    for (let y = region.y0; y < region.y1; y++) {
      for (let c = 0; c < this.channels; c++) {
        const src = (c * th + (y - from.y0)) * tw + (region.x0 - from.x0);
        const run = tile.subarray(src, src + w);
        if (rows) rows.set(run, (y - region.y0) * this.rowLength + c * this.width);
        else this.putRun(y, c, region.x0, run);
      }
    }
    if (rows) this.putRows(region.y0, rows);
  }

  /** Rows y0..y1, all channels and columns ([rows][C][W]). */
  protected abstract rows(y0: number, y1: number): Float32Array;
  protected abstract putRows(y0: number, rows: Float32Array): void;
  protected abstract putRun(y: number, c: number, x0: number, run: Float32Array): void;
  abstract dispose(): void;
}

export class MemoryFeatureMap extends FeatureMap {
  private data: Float32Array | null;

  constructor(channels: number, height: number, width: number) {
    super(channels, height, width);
    this.data = new Float32Array(channels * height * width);
  }

  private get store(): Float32Array {
    if (!this.data) throw new Error('feature map used after dispose');
    return this.data;
  }

  protected rows(y0: number, y1: number): Float32Array {
    return this.store.subarray(y0 * this.rowLength, y1 * this.rowLength);
  }

  protected putRows(y0: number, rows: Float32Array): void {
    this.store.set(rows, y0 * this.rowLength);
  }

  protected putRun(y: number, c: number, x0: number, run: Float32Array): void {
    this.store.set(run, y * this.rowLength + c * this.width + x0);
  }

  dispose(): void {
    this.data = null;
  }
}

/** A map in a temporary file (synchronous positional IO: the file stays in the page cache when it can). */
export class FileFeatureMap extends FeatureMap {
  private fd: number | null;

  constructor(
    channels: number,
    height: number,
    width: number,
    readonly file: string,
  ) {
    super(channels, height, width);
    this.fd = openSync(file, 'wx+', 0o600);
  }

  private get handle(): number {
    if (this.fd === null) throw new Error('feature map used after dispose');
    return this.fd;
  }

  protected rows(y0: number, y1: number): Float32Array {
    const out = new Float32Array((y1 - y0) * this.rowLength);
    this.readFully(new Uint8Array(out.buffer), y0 * this.rowLength * 4);
    return out;
  }

  protected putRows(y0: number, rows: Float32Array): void {
    this.writeFully(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength), y0 * this.rowLength * 4);
  }

  protected putRun(y: number, c: number, x0: number, run: Float32Array): void {
    this.writeFully(new Uint8Array(run.buffer, run.byteOffset, run.byteLength), (y * this.rowLength + c * this.width + x0) * 4);
  }

  private readFully(into: Uint8Array, position: number): void {
    for (let done = 0; done < into.length;) {
      const n = readSync(this.handle, into, done, Math.min(into.length - done, 1 << 30), position + done);
      // Never-written parts of a sparse file read as zeros; a short read means the file is short.
      if (n === 0) throw new Error(`${path.basename(this.file)} ended early (the temporary folder may be full)`);
      done += n;
    }
  }

  private writeFully(from: Uint8Array, position: number): void {
    for (let done = 0; done < from.length;)
      done += writeSync(this.handle, from, done, Math.min(from.length - done, 1 << 30), position + done);
  }

  dispose(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    rmSync(this.file, { force: true });
  }
}
