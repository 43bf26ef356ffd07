// @vitest-environment happy-dom
// What the Train and Live views say before and during a run: refusals of impossible networks next
// to the field, preset durations that follow the estimate, and an ETA that says what it rests on.
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../main/api/entities.js';
import { settle, useDom } from './helpers/dom.js';
import { openApp as open } from './helpers/open-app.js';
import { fullRun, project, runSummary } from './helpers/fixtures.js';

useDom();

const unpaired = project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' });

function choose(target: HTMLElement, selector: string, value: string) {
  const el = target.querySelector(selector) as HTMLSelectElement | HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

const startButton = (target: HTMLElement) =>
  [...target.querySelectorAll('button')].find((b) => /Start training/.test(b.textContent ?? ''))!;

describe('Train view: networks that cannot train on the crop', () => {
  it('says why next to Crop size before Start is pressed, and lets Start go once the crop fits', async () => {
    const { target, client } = await open('#/p/p_abcdef12/train');
    expect((target.querySelector('#opt-crop_size') as HTMLInputElement).value).toBe('128'); // Quick draft
    expect(startButton(target).disabled).toBe(false);

    choose(target, '#opt-netG', 'unet_256');
    await settle();
    const help = target.querySelector('#opt-crop_size-help')!;
    expect(help.textContent).toBe(
      'unet_256 halves the image 8 times and needs crops of at least 256, not 128: use a crop of 256, or keep 128 with unet_128 or a ResNet generator',
    );
    expect(target.querySelector('#opt-crop_size')!.getAttribute('aria-invalid')).toBe('true');
    expect(startButton(target).disabled).toBe(true);
    startButton(target).click();
    await settle();
    expect(client.calls.some((c) => c.method === 'runs.start')).toBe(false);

    // Load size first: the crop must fit inside it.
    choose(target, '#opt-load_size', '286');
    choose(target, '#opt-crop_size', '256');
    await settle();
    expect(target.querySelector('#opt-crop_size-help')!.textContent).not.toMatch(/halves/);
    expect(startButton(target).disabled).toBe(false);
  });
});

describe('Train view: preset durations', () => {
  it('say how long each preset takes for the project’s images on the chosen backend', async () => {
    const { target } = await open('#/p/p_unpaired1/train', {}, [unpaired]);
    const card = () => [...target.querySelectorAll('.preset')].find((c) => c.textContent?.includes('Quick draft'))!.textContent!;
    // The case: ≈ 52 minutes for a CycleGAN Quick draft on wasm; the card said "in minutes, even on a CPU".
    expect(card()).toContain('About 50 minutes for 200 images on the wasm backend (estimate).');
    expect(card()).not.toMatch(/in minutes|even on a CPU/);
    expect(target.textContent).toMatch(/Whole run\s*≈ 52 min/);
  });

  it('follow the backend the studio is set to', async () => {
    const settings = { backend: 'cpu' as const, schedule: { sampleEvery: 400, checkpointEvery: 5000, saveEpochFreq: 5, numSamples: 4 } };
    const { target } = await open('#/p/p_unpaired1/train', { 'settings.get': () => settings }, [unpaired]);
    const card = (label: string) => [...target.querySelectorAll('.preset')].find((c) => c.textContent?.includes(label))!.textContent!;
    expect(card('Quick draft')).toMatch(/About \d+ hours for 200 images on the cpu backend \(estimate\)\./);
    expect(card('CycleGAN (paper)')).toMatch(/About \d+ days for 200 images on the cpu backend/);
  });
});

describe('Live view: time left', () => {
  const run = runSummary({ id: 'r_live0001', projectId: 'p_abcdef12', status: 'running' });
  const progress = (speedBasis: RunProgress['speedBasis'], etaSeconds: number): RunProgress => ({
    epoch: 1,
    lastEpoch: 5,
    epochIter: 2,
    epochSize: 200,
    totalIters: 2,
    secondsPerIter: 3.1,
    speedBasis,
    etaSeconds,
  });

  it('says the figure is estimated until the run has measured its steps, then that it is measured', async () => {
    const { target, client } = await open(`#/p/p_abcdef12/live/${run.id}`, { 'runs.get': () => fullRun(run) }, [project()], {
      [run.id]: progress('estimate', 3100),
    });
    const eta = () => [...target.querySelectorAll('.eta > span')].map((e) => e.textContent!.trim()).join(' | ');
    expect(eta()).toBe('Time left | 51 min 40 s | estimated from the network size until step 4');
    client.emit({
      event: 'run.progress',
      data: { runId: run.id, progress: { ...progress('measured', 7490), totalIters: 4, secondsPerIter: 7.5 } },
    });
    await settle();
    expect(eta()).toBe('Time left | 2 h 04 min | at the measured speed');
  });
});
