// A tiny anti-aliased rasteriser for the demo datasets: shapes as signed distance functions (negative
// inside), painted into a float RGB canvas. Pure arithmetic in a fixed order, so the same inputs
// give the same bytes on every machine — no canvas library, no fonts, no platform differences.

export type Rgb = readonly [number, number, number];
export type ShapeKind = 'circle' | 'square' | 'triangle' | 'star';
export const SHAPE_KINDS: readonly ShapeKind[] = ['circle', 'square', 'triangle', 'star'];

export interface Shape {
  kind: ShapeKind;
  cx: number;
  cy: number;
  /** Circumradius in pixels. */
  r: number;
  /** Radians. */
  rotation: number;
}

export class Canvas {
  /** RGB, row-major, values in [0, 1]. */
  readonly data: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.data = new Float32Array(width * height * 3);
    const [r, g, b] = background;
    for (let i = 0; i < this.data.length; i += 3) {
      this.data[i] = r;
      this.data[i + 1] = g;
      this.data[i + 2] = b;
    }
  }

  /**
   * For each pixel within `margin` of the shape's bounding circle: coverage(d) in [0, 1] from the
   * signed distance at the pixel centre, then the pixel moves towards colour(x, y, d) by coverage.
   */
  paint(
    shape: Shape,
    margin: number,
    coverage: (d: number) => number,
    colour: (x: number, y: number, d: number) => Rgb,
    offset = { dx: 0, dy: 0 },
  ): void {
    const sdf = shapeDistance(shape);
    const reach = shape.r + margin;
    const cx = shape.cx + offset.dx;
    const cy = shape.cy + offset.dy;
    const x0 = Math.max(0, Math.floor(cx - reach));
    const x1 = Math.min(this.width - 1, Math.ceil(cx + reach));
    const y0 = Math.max(0, Math.floor(cy - reach));
    const y1 = Math.min(this.height - 1, Math.ceil(cy + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - offset.dx;
        const py = y + 0.5 - offset.dy;
        const d = sdf(px, py);
        const a = coverage(d);
        if (a <= 0) continue;
        const c = colour(px, py, d);
        const i = (y * this.width + x) * 3;
        for (let k = 0; k < 3; k++) this.data[i + k] = this.data[i + k]! * (1 - a) + c[k]! * a;
      }
    }
  }

  /** Adds light (for glows); the result is clamped when converted to bytes. */
  addGlow(shape: Shape, margin: number, amount: (d: number) => number, colour: Rgb): void {
    const sdf = shapeDistance(shape);
    const reach = shape.r + margin;
    const x0 = Math.max(0, Math.floor(shape.cx - reach));
    const x1 = Math.min(this.width - 1, Math.ceil(shape.cx + reach));
    const y0 = Math.max(0, Math.floor(shape.cy - reach));
    const y1 = Math.min(this.height - 1, Math.ceil(shape.cy + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const g = amount(sdf(x + 0.5, y + 0.5));
        if (g <= 0) continue;
        const i = (y * this.width + x) * 3;
        for (let k = 0; k < 3; k++) this.data[i + k] = this.data[i + k]! + colour[k]! * g;
      }
    }
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.data.length);
    for (let i = 0; i < this.data.length; i++) {
      const v = this.data[i]!;
      out[i] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
    }
    return out;
  }
}

/** Pixel coverage of a filled shape: a one-pixel linear ramp across the edge. */
export function fillCoverage(d: number): number {
  return clamp01(0.5 - d);
}

/** Pixel coverage of an outline of the given width centred on the edge. */
export function strokeCoverage(width: number): (d: number) => number {
  return (d) => clamp01(width / 2 + 0.5 - Math.abs(d));
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** HSV (all in [0, 1]) to RGB. */
export function hsv(h: number, s: number, v: number): Rgb {
  const hh = ((h % 1) + 1) % 1;
  const i = Math.floor(hh * 6);
  const f = hh * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  switch (i % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}

function polygon(shape: Shape, count: number, radiusAt: (i: number) => number): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < count; i++) {
    const angle = shape.rotation - Math.PI / 2 + (2 * Math.PI * i) / count;
    const r = radiusAt(i);
    xs.push(shape.cx + r * Math.cos(angle));
    ys.push(shape.cy + r * Math.sin(angle));
  }
  return { xs, ys };
}

/** Signed distance to a closed polygon (exact; sign by crossing count). */
function polygonDistance(xs: number[], ys: number[]): (px: number, py: number) => number {
  const n = xs.length;
  return (px, py) => {
    let best = Infinity;
    let sign = 1;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const vix = xs[i]!;
      const viy = ys[i]!;
      const ex = xs[j]! - vix;
      const ey = ys[j]! - viy;
      const wx = px - vix;
      const wy = py - viy;
      const t = clamp01((wx * ex + wy * ey) / (ex * ex + ey * ey));
      const bx = wx - ex * t;
      const by = wy - ey * t;
      best = Math.min(best, bx * bx + by * by);
      const c1 = py >= viy;
      const c2 = py < ys[j]!;
      const c3 = ex * wy > ey * wx;
      if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
    }
    return sign * Math.sqrt(best);
  };
}

export function shapeDistance(shape: Shape): (px: number, py: number) => number {
  switch (shape.kind) {
    case 'circle':
      return (px, py) => Math.hypot(px - shape.cx, py - shape.cy) - shape.r;
    case 'square': {
      const p = polygon(shape, 4, () => shape.r);
      return polygonDistance(p.xs, p.ys);
    }
    case 'triangle': {
      const p = polygon(shape, 3, () => shape.r);
      return polygonDistance(p.xs, p.ys);
    }
    case 'star': {
      const p = polygon(shape, 10, (i) => (i % 2 === 0 ? shape.r : shape.r * 0.45));
      return polygonDistance(p.xs, p.ys);
    }
  }
}
