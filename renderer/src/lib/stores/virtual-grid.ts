// Windowing for a grid of equal cells: which rows are on screen (plus overscan), and the padding
// that keeps the scrollbar true. Only those rows are rendered, so 10,000 images cost the same as 50.

export interface GridGeometry {
  itemCount: number;
  /** Content width available to the grid, px. */
  width: number;
  /** Minimum cell width; cells stretch to fill the row. */
  minCellWidth: number;
  /** Cell height as a function of the resolved cell width (e.g. keeping an aspect ratio plus a caption). */
  cellHeight: (cellWidth: number) => number;
  gap: number;
}

export interface GridWindow {
  columns: number;
  cellWidth: number;
  cellHeight: number;
  rowHeight: number;
  rowCount: number;
  totalHeight: number;
  firstRow: number;
  /** Exclusive. */
  lastRow: number;
  firstIndex: number;
  /** Exclusive. */
  lastIndex: number;
  /** Offset of firstRow from the top of the content. */
  offsetY: number;
}

export function gridLayout(
  g: GridGeometry,
): Pick<GridWindow, 'columns' | 'cellWidth' | 'cellHeight' | 'rowHeight' | 'rowCount' | 'totalHeight'> {
  const width = Math.max(0, g.width);
  const columns = Math.max(1, Math.floor((width + g.gap) / (g.minCellWidth + g.gap)));
  const cellWidth = Math.max(1, Math.floor((width - g.gap * (columns - 1)) / columns));
  const cellHeight = Math.max(1, Math.round(g.cellHeight(cellWidth)));
  const rowHeight = cellHeight + g.gap;
  const rowCount = Math.ceil(Math.max(0, g.itemCount) / columns);
  const totalHeight = rowCount === 0 ? 0 : rowCount * rowHeight - g.gap;
  return { columns, cellWidth, cellHeight, rowHeight, rowCount, totalHeight };
}

export function gridWindow(g: GridGeometry, scrollTop: number, viewportHeight: number, overscanRows = 2): GridWindow {
  const l = gridLayout(g);
  const top = Math.max(0, scrollTop);
  let firstRow = Math.floor(top / l.rowHeight) - overscanRows;
  let lastRow = Math.ceil((top + Math.max(0, viewportHeight)) / l.rowHeight) + overscanRows;
  firstRow = Math.max(0, Math.min(firstRow, l.rowCount));
  lastRow = Math.max(firstRow, Math.min(lastRow, l.rowCount));
  const firstIndex = firstRow * l.columns;
  const lastIndex = Math.min(g.itemCount, lastRow * l.columns);
  return { ...l, firstRow, lastRow, firstIndex, lastIndex, offsetY: firstRow * l.rowHeight };
}

/** The pages (of pageSize items) that cover [first, last). */
export function pagesFor(first: number, last: number, pageSize: number): number[] {
  if (last <= first) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / pageSize); p * pageSize < last; p++) out.push(p);
  return out;
}

/** The scrollTop that brings item `index` into view (unchanged when it already is). */
export function scrollToReveal(g: GridGeometry, index: number, scrollTop: number, viewportHeight: number): number {
  const l = gridLayout(g);
  const row = Math.floor(index / l.columns);
  const top = row * l.rowHeight;
  const bottom = top + l.cellHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
