// @vitest-environment happy-dom
// CUT in the studio: an unpaired project chooses CycleGAN or CUT in the Train view, the FastCUT
// preset sets the mode and says how long it takes, the form explains CUT's own options, and the
// Live view names CUT's losses and sample columns.
import { describe, expect, it } from 'vitest';
import { modelOptionSpecs } from '../../main/api/run-options.js';
import { lossColour } from '../../renderer/src/lib/stores/metrics.js';
import { settle, useDom } from './helpers/dom.js';
import { fullRun, project, runSummary } from './helpers/fixtures.js';
import { openApp } from './helpers/open-app.js';

useDom();

const unpaired = project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' });
const radio = (target: HTMLElement, name: string, value: string) =>
  target.querySelector(`input[name="${name}"][value="${value}"]`) as HTMLInputElement;
const startButton = (target: HTMLElement) =>
  [...target.querySelectorAll('button')].find((b) => /Start training/.test(b.textContent ?? ''))!;
const presetCard = (target: HTMLElement, label: string) =>
  [...target.querySelectorAll('.preset')].find((c) => c.textContent?.includes(label))!;

async function started(target: HTMLElement, client: { calls: Array<{ method: string; params: unknown }> }) {
  startButton(target).click();
  await settle();
  return client.calls.filter((c) => c.method === 'runs.start').at(-1)?.params as { options: Record<string, unknown> } | undefined;
}

describe('Train view: CycleGAN or CUT for an unpaired project', () => {
  it('offers the choice only where both apply: a paired project trains pix2pix', async () => {
    const { target } = await openApp('#/p/p_abcdef12/train');
    expect(target.querySelector('input[name="model"]')).toBeNull();
    expect(radio(target, 'preset', 'fastcut')).toBeNull();
  });

  it('choosing CUT shows its options, explained from the option table, and starts a CUT run', async () => {
    const { target, client } = await openApp('#/p/p_unpaired1/train', { 'runs.start': () => fullRun(runSummary({ model: 'cut' })) }, [
      unpaired,
    ]);
    expect(radio(target, 'model', 'cyclegan').checked).toBe(true);
    expect(target.querySelector('#opt-lambda_A')).not.toBeNull();

    radio(target, 'model', 'cut').click();
    await settle();
    expect(radio(target, 'model', 'cut').checked).toBe(true);
    // Quick draft trains whichever model is chosen: it stays selected, now for CUT.
    expect(radio(target, 'preset', 'quick-draft').checked).toBe(true);
    expect(target.querySelector('#opt-lambda_A')).toBeNull();
    expect((target.querySelector('#opt-lambda_NCE') as HTMLInputElement).value).toBe('1');
    expect((target.querySelector('#opt-nce_idt') as HTMLInputElement).checked).toBe(true);
    const specs = modelOptionSpecs('cut');
    for (const key of ['CUT_mode', 'lambda_NCE', 'nce_idt', 'lambda_GAN']) {
      expect(target.querySelector(`#opt-${key}-help`)!.textContent!.trim()).toBe(specs.get(key)!.help);
    }
    // CUT taps a ResNet's layers: the form offers no U-Net.
    const netG = [...(target.querySelector('#opt-netG') as HTMLSelectElement).options].map((o) => o.value);
    expect(netG).toEqual(['resnet_9blocks', 'resnet_6blocks']);

    const sent = await started(target, client);
    expect(sent?.options).toMatchObject({ model: 'cut', netG: 'resnet_6blocks', ngf: 16, crop_size: 128 });
    expect(sent?.options).not.toHaveProperty('CUT_mode');
  });

  it('the FastCUT preset picks CUT in its FastCUT mode, says how long it takes, and sends only the mode', async () => {
    const { target, client } = await openApp('#/p/p_unpaired1/train', { 'runs.start': () => fullRun(runSummary({ model: 'cut' })) }, [
      unpaired,
    ]);
    const card = presetCard(target, 'Fast style — FastCUT');
    expect(card.textContent).toMatch(/About \d+ (hours|days) for 200 images on the wasm backend \(estimate\)\./);
    expect(card.textContent).toContain('200 epochs');

    radio(target, 'preset', 'fastcut').click();
    await settle();
    expect(radio(target, 'model', 'cut').checked).toBe(true);
    expect((target.querySelector('#opt-CUT_mode') as HTMLSelectElement).value).toBe('FastCUT');
    expect((target.querySelector('#opt-lambda_NCE') as HTMLInputElement).value).toBe('10');
    expect((target.querySelector('#opt-nce_idt') as HTMLInputElement).checked).toBe(false);
    expect((target.querySelector('#opt-n_epochs') as HTMLInputElement).value).toBe('150');
    expect(target.textContent).toMatch(/Epochs\s*200/);

    // Back to CycleGAN: the CUT-only preset gives way to CycleGAN's own; and to FastCUT again.
    radio(target, 'model', 'cyclegan').click();
    await settle();
    expect(radio(target, 'preset', 'cyclegan-paper').checked).toBe(true);
    expect(target.querySelector('#opt-lambda_NCE')).toBeNull();
    radio(target, 'preset', 'fastcut').click();
    await settle();

    const sent = await started(target, client);
    expect(sent?.options).toEqual({ model: 'cut', CUT_mode: 'FastCUT' });
  });

  it('switching the mode in the form moves the mode’s defaults, keeping what was changed', async () => {
    const { target } = await openApp('#/p/p_unpaired1/train', {}, [unpaired]);
    radio(target, 'model', 'cut').click();
    await settle();
    const epochs = target.querySelector('#opt-n_epochs') as HTMLInputElement;
    epochs.value = '7';
    epochs.dispatchEvent(new Event('change', { bubbles: true }));
    const mode = target.querySelector('#opt-CUT_mode') as HTMLSelectElement;
    mode.value = 'FastCUT';
    mode.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect((target.querySelector('#opt-lambda_NCE') as HTMLInputElement).value).toBe('10');
    expect((target.querySelector('#opt-nce_idt') as HTMLInputElement).checked).toBe(false);
    expect((target.querySelector('#opt-n_epochs') as HTMLInputElement).value).toBe('7');
  });
});

describe('Live view of a CUT run', () => {
  const run = runSummary({ id: 'r_cut00001', projectId: 'p_unpaired1', model: 'cut', status: 'running' });

  // The loss chart draws on a canvas, which happy-dom lacks: test/e2e/cut.e2e.test.ts shows CUT's losses in Chromium.
  it('names the mode and CUT’s sample columns (real A, fake B, real B, identity B)', async () => {
    const { target } = await openApp(
      `#/p/p_unpaired1/live/${run.id}`,
      {
        'runs.get': () => fullRun(run),
        'runs.samples': () => [{ runId: run.id, iteration: 10, url: '/files/p_unpaired1/runs/r_cut00001/samples/10.png', createdAt: 1 }],
      },
      [unpaired],
    );
    await settle();
    expect(target.querySelector('.top')!.textContent).toContain('CUT · resnet_9blocks · 256 px');
    expect([...target.querySelectorAll('.cols span')].map((s) => s.textContent)).toEqual(['real A', 'fake B', 'real B', 'identity B']);
  });

  it('gives each of CUT’s losses its own colour', () => {
    const names = ['G_GAN', 'D_real', 'D_fake', 'G', 'NCE', 'NCE_Y'];
    expect(new Set(names.map((n, i) => lossColour(n, i))).size).toBe(names.length);
  });
});
