// @vitest-environment happy-dom
import { mount } from 'svelte';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.svelte';
import VirtualGridHarness from './helpers/VirtualGridHarness.svelte';
import SampleViewer from '../../renderer/src/components/SampleViewer.svelte';
import { mounted, settle, useDom } from './helpers/dom.js';
import { FakeClient } from './helpers/fake-client.js';
import { project, wasmBackendInfo } from './helpers/fixtures.js';

useDom();

describe('VirtualGrid', () => {
  it('renders only the rows on screen out of 10,000 items, and follows the scroll', async () => {
    const target = document.createElement('div');
    document.body.appendChild(target);
    const ranges: Array<[number, number]> = [];
    mounted.push(mount(VirtualGridHarness, { target, props: { count: 10_000, onrange: (a: number, b: number) => ranges.push([a, b]) } }));
    await settle();
    const cells = target.querySelectorAll('.cell');
    // 1000 px wide, 150 px min cells, 10 px gap → 6 columns; 600 px tall → ~4 rows + 2 overscan
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThanOrEqual(8 * 6);
    expect(target.querySelector('.cell')?.textContent).toContain('#0');
    const content = target.querySelector('.content') as HTMLElement;
    expect(parseInt(content.style.height)).toBeGreaterThan(300_000);

    const viewport = target.querySelector('.viewport') as HTMLElement;
    viewport.scrollTop = 50_000;
    viewport.dispatchEvent(new Event('scroll'));
    await new Promise((r) => setTimeout(r, 50));
    await settle();
    const first = Number(target.querySelector('.cell')?.textContent?.replace(/\D/g, ''));
    expect(first).toBeGreaterThan(1000);
    expect(target.querySelectorAll('.cell').length).toBeLessThanOrEqual(8 * 6);
    expect(ranges.at(-1)![0]).toBe(first);
  });
});

describe('SampleViewer', () => {
  it('shows the latest sample with its column labels and steps through the history', async () => {
    const target = document.createElement('div');
    document.body.appendChild(target);
    const samples = [0, 400, 800].map((i) => ({ runId: 'r_x000001', iteration: i, url: `/s/${i}.png`, createdAt: i }));
    const v = mount(SampleViewer, { target, props: { samples, columns: ['input', 'output', 'target'] } });
    mounted.push(v);
    await settle();
    expect(target.querySelector('img')?.getAttribute('src')).toBe('/s/800.png');
    expect(target.textContent).toContain('input');
    expect(target.textContent).toContain('target');
    (v as unknown as { step(d: number): void }).step(-2);
    await settle();
    expect(target.querySelector('img')?.getAttribute('src')).toBe('/s/0.png');
    const slider = target.querySelector('input[type=range]') as HTMLInputElement;
    expect(slider.max).toBe('2');
  });
});

describe('App', () => {
  it('says it cannot reach the studio when the connection is down', async () => {
    const target = document.createElement('div');
    document.body.appendChild(target);
    const client = new FakeClient({}, { kind: 'closed', reason: 'connection refused', retryInMs: 2000 });
    mounted.push(mount(App, { target, props: { client } }));
    await settle();
    expect(target.querySelector('[role=alert]')?.textContent).toContain('Cannot reach the studio');
    expect(target.textContent).toContain('connection refused');
  });

  it('lists projects from the snapshot and reaches each view by keyboard shortcut', async () => {
    const target = document.createElement('div');
    document.body.appendChild(target);
    const p = project();
    const client = new FakeClient({
      'backend.info': wasmBackendInfo,
      'datasets.list': () => ({ total: 0, offset: 0, items: [] }),
      'datasets.health': () => ({
        projectId: p.id,
        status: 'ready',
        folders: [],
        unreadable: [],
        unreadableTotal: 0,
        duplicates: [],
        unmatched: null,
        usable: 400,
        problems: ['2 files cannot be read'],
      }),
      'settings.get': () => ({ backend: 'auto', schedule: { sampleEvery: 400, checkpointEvery: 5000, saveEpochFreq: 5, numSamples: 4 } }),
      'runs.list': () => [],
      'exports.list': () => [],
    });
    mounted.push(mount(App, { target, props: { client } }));
    client.emit({ event: 'snapshot', data: { projects: [p], activeRuns: [], progress: {}, jobs: [] } });
    await settle();
    expect(target.textContent).toContain('facades');
    expect(target.textContent).toContain('2 files cannot be read');

    location.hash = `#/p/${p.id}/dataset`;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await settle();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3' }));
    await settle();
    expect(target.querySelector('h1')?.textContent).toBe('Train');
    expect(target.textContent).toContain('pix2pix (paper)');
    expect(target.textContent).toContain('Quick draft');
    expect(target.textContent).not.toContain('CycleGAN (paper)');
    expect(target.textContent).toContain('Time per epoch');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '6' }));
    await settle();
    expect(target.querySelector('h1')?.textContent).toBe('Export');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '?' }));
    await settle();
    expect(target.parentElement?.textContent ?? document.body.textContent).toContain('Keyboard shortcuts');
  });

  it('shows a two-folder project as pairs matched by the studio, with a missing partner named', async () => {
    const target = document.createElement('div');
    document.body.appendChild(target);
    const p = project();
    const item = (role: 'A' | 'B', relPath: string) => ({
      role,
      relPath,
      url: `/files/${p.id}/${role}/${relPath}`,
      size: 10,
      width: 8,
      height: 8,
      contentHash: null,
      status: 'ok' as const,
      reason: null,
    });
    const asked: unknown[] = [];
    const client = new FakeClient({
      'backend.info': wasmBackendInfo,
      'datasets.health': () => ({
        projectId: p.id,
        status: 'ready',
        folders: [],
        unreadable: [],
        unreadableTotal: 0,
        duplicates: [],
        unmatched: { A: ['owl'], B: [] },
        usable: 1,
        problems: [],
      }),
      'datasets.pairs': (q) => {
        asked.push(q);
        const all = [
          { key: 'cat', A: item('A', 'cat.png'), B: item('B', 'cat.jpg') },
          { key: 'owl', A: item('A', 'owl.png'), B: null },
        ];
        const items = q.only === 'unmatched' ? all.filter((x) => !x.B) : all;
        return { total: items.length, matched: 1, unmatched: 1, offset: 0, items };
      },
    });
    location.hash = `#/p/${p.id}/dataset`;
    mounted.push(mount(App, { target, props: { client } }));
    client.emit({ event: 'snapshot', data: { projects: [p], activeRuns: [], progress: {}, jobs: [] } });
    await settle();
    const figures = () => [...target.querySelectorAll('figure.pair')];
    expect(figures().map((f) => f.querySelector('figcaption')?.textContent)).toEqual(['cat', '⚠ owl']);
    expect(figures()[0]!.querySelector('[aria-label="B cat.jpg"]')).not.toBeNull();
    expect(figures()[1]!.textContent).toContain('No B');
    expect(figures()[1]!.textContent).toContain('nothing named owl.* in folder B');

    (target.querySelector('input[type=checkbox]') as HTMLInputElement).click();
    await settle();
    expect(asked.at(-1)).toMatchObject({ projectId: p.id, only: 'unmatched' });
    expect(figures().map((f) => f.querySelector('figcaption')?.textContent)).toEqual(['⚠ owl']);
  });
});
