import { describe, expect, it } from 'vitest';
import { gridLayout, gridWindow, pagesFor, scrollToReveal, type GridGeometry } from '../../renderer/src/lib/stores/virtual-grid.js';

const geo = (over: Partial<GridGeometry> = {}): GridGeometry => ({
  itemCount: 10_000,
  width: 1000,
  minCellWidth: 150,
  cellHeight: (w) => w + 20,
  gap: 10,
  ...over,
});

describe('virtual grid windowing', () => {
  it('fits as many columns as the width allows and stretches them', () => {
    const l = gridLayout(geo());
    expect(l.columns).toBe(6); // 6*150 + 5*10 = 950 ≤ 1000; 7 would need 1110
    expect(l.cellWidth).toBe(Math.floor((1000 - 50) / 6));
    expect(l.cellHeight).toBe(l.cellWidth + 20);
    expect(l.rowCount).toBe(Math.ceil(10_000 / 6));
    expect(l.totalHeight).toBe(l.rowCount * l.rowHeight - 10);
  });

  it('renders only the visible rows plus overscan, wherever the scroll is', () => {
    const g = geo();
    const top = gridWindow(g, 0, 800, 2);
    expect(top.firstRow).toBe(0);
    const visibleRows = Math.ceil(800 / top.rowHeight);
    expect(top.lastRow).toBe(visibleRows + 2);
    expect(top.lastIndex - top.firstIndex).toBeLessThanOrEqual((visibleRows + 2) * 6);

    const mid = gridWindow(g, 100_000, 800, 2);
    const row = Math.floor(100_000 / mid.rowHeight);
    expect(mid.firstRow).toBe(row - 2);
    expect(mid.offsetY).toBe((row - 2) * mid.rowHeight);
    expect(mid.firstIndex).toBe((row - 2) * 6);
    expect(mid.lastIndex - mid.firstIndex).toBeLessThan(100); // ~ 60 cells out of 10,000

    const end = gridWindow(g, 10_000_000, 800, 2);
    expect(end.lastRow).toBe(end.rowCount);
    expect(end.lastIndex).toBe(10_000);
    expect(end.firstRow).toBeLessThanOrEqual(end.lastRow);
  });

  it('handles empty grids, zero width and a partial last row', () => {
    expect(gridWindow(geo({ itemCount: 0 }), 0, 800)).toMatchObject({ rowCount: 0, totalHeight: 0, firstIndex: 0, lastIndex: 0 });
    expect(gridLayout(geo({ width: 0 })).columns).toBe(1);
    const w = gridWindow(geo({ itemCount: 13 }), 0, 5000);
    expect(w.rowCount).toBe(3);
    expect(w.lastIndex).toBe(13);
  });

  it('lists the pages that cover a range', () => {
    expect(pagesFor(0, 1, 200)).toEqual([0]);
    expect(pagesFor(150, 450, 200)).toEqual([0, 1, 2]);
    expect(pagesFor(200, 400, 200)).toEqual([1]);
    expect(pagesFor(5, 5, 200)).toEqual([]);
  });

  it('scrolls to reveal an item only when needed', () => {
    const g = geo();
    const l = gridLayout(g);
    expect(scrollToReveal(g, 0, 0, 800)).toBe(0);
    expect(scrollToReveal(g, 6 * 100, 0, 800)).toBe(100 * l.rowHeight + l.cellHeight - 800);
    expect(scrollToReveal(g, 0, 5000, 800)).toBe(0);
  });
});
