// @vitest-environment happy-dom
// The model features as a user meets them: the import form, imported runs in Runs, the model
// export list following events, stopping a folder translation, fine-tuning with a locked architecture.
import { mount, unmount } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ExportJob, Project, RunSummary } from '../../main/api/entities.js';
import App from '../../renderer/src/App.svelte';
import { mounted, settle, useDom } from './helpers/dom.js';
import { FakeClient, type Handlers } from './helpers/fake-client.js';
import { fullRun, importedInfo, importedRun, modelExport, project, runSummary, wasmBackendInfo } from './helpers/fixtures.js';

useDom();

const common: Handlers = {
  'backend.info': wasmBackendInfo,
  'settings.get': () => ({ backend: 'auto', schedule: { sampleEvery: 400, checkpointEvery: 5000, saveEpochFreq: 5, numSamples: 4 } }),
  'datasets.health': () => ({
    projectId: 'p_abcdef12',
    status: 'ready',
    folders: [],
    unreadable: [],
    unreadableTotal: 0,
    duplicates: [],
    unmatched: null,
    usable: 400,
    problems: [],
  }),
  'datasets.list': () => ({ total: 0, offset: 0, items: [] }),
  'runs.metrics': (p) => ({ runId: p.runId, total: 0, lossNames: [], points: [] }),
  'exports.list': () => [],
  'models.exports': () => [],
  'checkpoints.list': (p) => [
    {
      id: 1,
      runId: p.runId,
      fileName: 'model.tandem',
      kind: 'imported',
      epoch: 1,
      epochIter: 0,
      totalIters: 0,
      reason: 'imported',
      createdAt: 0,
    },
  ],
};

/** The whole app at `hash`, with a snapshot of `projects` delivered. */
async function open(hash: string, handlers: Handlers, projects: Project[] = [project()], shell: FakeClient['shell'] = null) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const client = new FakeClient({ ...common, ...handlers });
  client.shell = shell;
  location.hash = hash;
  mounted.push(mount(App, { target, props: { client } }));
  client.emit({ event: 'snapshot', data: { projects, activeRuns: [], progress: {}, jobs: [] } });
  await settle();
  return { target, client };
}

function input(el: Element | null, value: string) {
  const i = el as HTMLInputElement;
  i.value = value;
  i.dispatchEvent(new Event('input', { bubbles: true }));
}

const byText = (root: ParentNode, selector: string, text: string | RegExp) =>
  [...root.querySelectorAll<HTMLElement>(selector)].find((e) =>
    typeof text === 'string' ? e.textContent?.trim() === text : text.test(e.textContent ?? ''),
  );

describe('Import PyTorch model', () => {
  it('checks the form before sending, then shows the service’s field errors where they belong', async () => {
    const { target, client } = await open('#/p/p_abcdef12/runs/import', {
      'runs.list': () => [],
      'models.import': (p) => ({ ok: false, error: { code: 'not-found', message: `${p.file} does not exist.`, field: 'file' } }),
    });
    const dialog = target.querySelector('dialog[aria-labelledby=imp-title]')!;
    expect(dialog).not.toBeNull();
    const submit = byText(dialog, 'button', 'Import')!;
    submit.click();
    await settle();
    expect(target.querySelector('#imp-file-help')?.textContent).toMatch(/Choose the generator/);
    expect(client.calls.some((c) => c.method === 'models.import')).toBe(false);

    input(target.querySelector('#imp-file'), '/models/weights.ckpt');
    submit.click();
    await settle();
    expect(target.querySelector('#imp-file-help')?.textContent).toMatch(/\.pth or \.pt/);
    expect(target.querySelector('#imp-file')?.getAttribute('aria-invalid')).toBe('true');

    // Ticking the pair asks for G_B, and suggests it from a model-zoo G_A.
    input(target.querySelector('#imp-file'), '/zoo/horse2zebra/latest_net_G_A.pth');
    const pair = byText(dialog, 'label', /Add the other direction/)!.querySelector('input')!;
    pair.click();
    await settle();
    expect((target.querySelector('#imp-pair') as HTMLInputElement).value).toBe('/zoo/horse2zebra/latest_net_G_B.pth');
    input(target.querySelector('#imp-pair'), '');
    submit.click();
    await settle();
    expect(target.querySelector('#imp-pair-help')?.textContent).toMatch(/Choose the G_B file/);

    pair.click();
    input(target.querySelector('#imp-file'), '/models/gone.pth');
    submit.click();
    await settle();
    expect(client.calls.find((c) => c.method === 'models.import')?.params).toEqual({ projectId: 'p_abcdef12', file: '/models/gone.pth' });
    expect(target.querySelector('#imp-file-help')?.textContent).toBe('/models/gone.pth does not exist.');

    // View shortcuts stay out of an open dialog.
    submit.dispatchEvent(new KeyboardEvent('keydown', { key: '6', bubbles: true }));
    await settle();
    expect(target.querySelector('dialog[aria-labelledby=imp-title]')).not.toBeNull();
    expect(location.hash).toBe('#/p/p_abcdef12/runs/import');
  });

  it('shows the import going from queued to its architecture, or the failure verbatim', async () => {
    const queued = importedRun({ status: 'queued', imported: null, lastCheckpoint: null });
    const { target, client } = await open('#/p/p_abcdef12/runs', {
      'runs.list': () => [],
      'models.import': () => fullRun(queued),
    });
    byText(target, 'button', 'Import PyTorch model…')!.click();
    await settle();
    input(target.querySelector('#imp-file'), '/models/resnet6_ngf8_instance.pth');
    input(target.querySelector('#imp-name'), 'resnet six');
    // The overrides are for files that do not tell their architecture: folded away until asked for.
    const summary = byText(target, 'details summary', /Architecture overrides/)!;
    const overrides = summary.parentElement as HTMLDetailsElement;
    const ngf = target.querySelector('#imp-ngf') as HTMLInputElement;
    expect(overrides.open).toBe(false);
    expect(overrides.contains(ngf)).toBe(true);
    summary.click();
    await settle();
    expect(overrides.open).toBe(true);
    ngf.value = '8';
    ngf.dispatchEvent(new Event('input', { bubbles: true }));
    byText(target.querySelector('dialog')!, 'button', 'Import')!.click();
    await settle();
    expect(client.calls.find((c) => c.method === 'models.import')?.params).toEqual({
      projectId: 'p_abcdef12',
      file: '/models/resnet6_ngf8_instance.pth',
      name: 'resnet six',
      ngf: 8,
    });
    expect(target.querySelector('dialog')?.textContent).toContain('waiting to start');

    client.emit({ event: 'run.changed', data: { run: { ...queued, status: 'running' } } });
    await settle();
    expect(target.querySelector('dialog')?.textContent).toContain('importing: reading the weights');
    expect(target.querySelector('dialog progress')).not.toBeNull();

    client.emit({
      event: 'run.changed',
      data: { run: importedRun({ imported: importedInfo({ notes: ['removed the “module.” prefix'] }) }) },
    });
    await settle();
    const text = target.querySelector('dialog')?.textContent ?? '';
    expect(text).toContain('ResNet, 6 blocks · 8 filters · instance norm · RGB → RGB');
    expect(text).toContain('124,931');
    expect(text).toContain('PyTorch zip');
    expect(text).toContain('removed the “module.” prefix');
    expect(byText(target.querySelector('dialog')!, 'a', 'Fine-tune…')?.getAttribute('href')).toBe('#/p/p_abcdef12/train/r_import001');

    client.emit({
      event: 'run.changed',
      data: {
        run: importedRun({
          status: 'failed',
          imported: null,
          lastCheckpoint: null,
          statusReason: 'refusing to load: the file asks for os.system …',
        }),
      },
    });
    await settle();
    expect(target.querySelector('dialog [role=alert]')?.textContent).toBe('refusing to load: the file asks for os.system …');
    expect(byText(target.querySelector('dialog')!, 'button', 'Try again')).toBeDefined();
  });

  it('picks the file with the in-app browser in the browser studio, and with the native picker on the desktop', async () => {
    const listing = (path = '/home/me') => ({
      path,
      parent: path === '/' ? null : '/',
      roots: [{ label: 'Home', path: '/home/me' }],
      entries: path === '/home/me' ? [{ name: 'zoo', path: '/home/me/zoo', images: 0 }] : [],
      files: path === '/home/me/zoo' ? [{ name: 'latest_net_G.pth', path: '/home/me/zoo/latest_net_G.pth', size: 2048 }] : [],
      truncated: false,
    });
    const { target, client } = await open('#/p/p_abcdef12/runs/import', {
      'runs.list': () => [],
      'fs.listFolders': (p) => listing(p.path),
    });
    byText(target, 'button', 'Browse…')!.click();
    await settle();
    const browser = target.querySelector('dialog[aria-labelledby=fb-title]')!;
    expect(client.calls.filter((c) => c.method === 'fs.listFolders').at(-1)?.params).toEqual({ fileExtensions: ['.pth', '.pt'] });
    byText(browser, 'button', /zoo/)!.click();
    await settle();
    const file = browser.querySelector<HTMLButtonElement>('button[aria-label="Choose latest_net_G.pth"]')!;
    expect(file.textContent).toContain('2.0 KB');
    file.click();
    await settle();
    expect((target.querySelector('#imp-file') as HTMLInputElement).value).toBe('/home/me/zoo/latest_net_G.pth');
    expect(target.querySelector('dialog[aria-labelledby=fb-title]')).toBeNull();

    unmount(mounted.pop()!);
    document.body.innerHTML = '';
    const desk = document.createElement('div');
    document.body.appendChild(desk);
    const native = new FakeClient({ ...common, 'runs.list': () => [] });
    const pickFile = vi.fn(async () => '/Users/me/latest_net_G_A.pth');
    native.shell = { pickFile };
    location.hash = '#/p/p_abcdef12/runs/import';
    mounted.push(mount(App, { target: desk, props: { client: native } }));
    native.emit({ event: 'snapshot', data: { projects: [project()], activeRuns: [], progress: {}, jobs: [] } });
    await settle();
    byText(desk, 'button', 'Browse…')!.click();
    await settle();
    expect(pickFile).toHaveBeenCalledWith(expect.objectContaining({ extensions: ['pth', 'pt'] }));
    expect((desk.querySelector('#imp-file') as HTMLInputElement).value).toBe('/Users/me/latest_net_G_A.pth');
  });
});

describe('imported runs in Runs', () => {
  it('shows the badge and architecture, translate / export / fine-tune, and no Resume', async () => {
    const single = importedRun({ projectId: 'p_unpaired1', model: 'cyclegan' });
    const pair = importedRun({
      id: 'r_pair00001',
      projectId: 'p_unpaired1',
      name: 'horse2zebra',
      model: 'cyclegan',
      imported: importedInfo({ generators: 2, netG: 'resnet_9blocks', ngf: 64, params: 22_756_358 }),
    });
    const trained = runSummary({
      id: 'r_trained01',
      projectId: 'p_unpaired1',
      model: 'cyclegan',
      status: 'stopped',
      lastCheckpoint: 'latest.tandem',
    });
    const { target } = await open('#/p/p_unpaired1/runs', { 'runs.list': () => [single, pair, trained] }, [
      project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' }),
    ]);
    const rows = [...target.querySelectorAll('tbody tr:not(.sub)')];
    const row = (name: string) => rows.find((r) => r.textContent?.includes(name))!;

    const p = row('horse2zebra');
    expect(p.querySelector('.badge')?.textContent).toBe('imported');
    expect(p.textContent).toContain('ResNet-9 · ngf 64 · instance');
    expect(p.textContent).toContain('A ↔ B · 22.8 M parameters');
    expect(byText(p, 'a', 'Translate a folder')?.getAttribute('href')).toBe('#/p/p_unpaired1/export/r_pair00001');
    expect(byText(p, 'a', 'Export model…')?.getAttribute('href')).toBe('#/p/p_unpaired1/export/r_pair00001/model');
    expect(byText(p, 'a', 'Fine-tune…')?.getAttribute('href')).toBe('#/p/p_unpaired1/train/r_pair00001');
    expect(byText(p, 'button', 'Resume')).toBeUndefined();
    expect(p.querySelector('input[type=checkbox]')).toBeNull();

    // One generator in a CycleGAN project: no fine-tuning, and the reason says why.
    const s = row('resnet6_ngf8_instance');
    const ft = byText(s, 'button', 'Fine-tune…') as HTMLButtonElement;
    expect(ft.disabled).toBe(true);
    const why = target.querySelector(`#${ft.getAttribute('aria-describedby')}`);
    expect(why?.textContent).toMatch(/holds one generator, and a CycleGAN fine-tunes both directions: import the pair/);

    // A trained run keeps its counters and Resume.
    expect(byText(row('Quick draft'), 'button', 'Resume')).toBeDefined();
    expect(row('Quick draft').textContent).toContain('1 / 10');
  });
});

describe('Deleting a run', () => {
  it('asks in place, then calls runs.delete and drops the row; a running run offers no delete', async () => {
    const failed = importedRun({
      status: 'failed',
      imported: null,
      lastCheckpoint: null,
      statusReason: 'refusing to load: the file asks for os.system',
    });
    const live = runSummary({ id: 'r_running01', status: 'running' });
    const { target, client } = await open('#/p/p_abcdef12/runs', {
      'runs.list': () => [failed, live],
      'runs.delete': (p) => ({ runId: p.runId, deletedFiles: true }),
    });
    const rows = () => [...target.querySelectorAll('tbody tr:not(.sub)')];
    const row = (name: string) => rows().find((r) => r.textContent?.includes(name));
    expect(byText(row('Quick draft')!, 'button', 'Delete…')).toBeUndefined();

    byText(row(failed.name)!, 'button', 'Delete…')!.click();
    await settle();
    expect(client.calls.some((c) => c.method === 'runs.delete')).toBe(false);
    byText(row(failed.name)!, 'button', 'Keep')!.click();
    await settle();
    byText(row(failed.name)!, 'button', 'Delete…')!.click();
    await settle();
    byText(row(failed.name)!, 'button', 'Delete model')!.click();
    await settle();
    expect(client.calls.find((c) => c.method === 'runs.delete')?.params).toEqual({ runId: failed.id });
    expect(row(failed.name)).toBeUndefined();
    expect(row('Quick draft')).toBeDefined();
  });
});

describe('Fine-tuned runs', () => {
  it('say which run they started from', async () => {
    const tuned = runSummary({
      id: 'r_tuned0001',
      name: 'zebras, tuned',
      status: 'finished',
      lastCheckpoint: 'latest.tandem',
      startedFrom: { runId: 'r_import001', runName: 'horse2zebra', checkpointId: 3, fileName: 'model.tandem' },
    });
    const { target } = await open('#/p/p_abcdef12/runs', { 'runs.list': () => [tuned] });
    const row = [...target.querySelectorAll('tbody tr')].find((r) => r.textContent?.includes('zebras, tuned'))!;
    expect(row.querySelector('.from')?.textContent).toBe('from horse2zebra');
    expect(row.querySelector('.from')?.getAttribute('title')).toBe('Started from model.tandem of horse2zebra');
  });
});

describe('Export view', () => {
  const run = importedRun();
  const running: ExportJob = {
    id: 'e_export001',
    projectId: 'p_abcdef12',
    runId: run.id,
    checkpointId: 1,
    inputDir: '/data/in',
    outputDir: '/studio/exports/e_export001',
    format: 'png',
    tile: 0,
    direction: 'AtoB',
    status: 'running',
    statusReason: null,
    done: 3,
    total: 10,
    failed: 0,
    createdAt: 1,
    endedAt: null,
  };

  it('follows model exports from modelExport.changed: progress, path and files, errors verbatim', async () => {
    const showInFolder = vi.fn();
    const { target, client } = await open(
      `#/p/p_abcdef12/export/${run.id}/model`,
      {
        'runs.list': () => [run],
        'models.export': (p) => modelExport({ runId: p.runId, format: p.format, outputPath: p.outputPath ?? modelExport().outputPath }),
      },
      [project()],
      { showInFolder },
    );
    const form = target.querySelector('form[aria-labelledby=model-title]')!;
    // A one-generator model has no direction to choose.
    expect(form.querySelector('#m-dir')).toBeNull();
    expect((target.querySelector('#x-dir') as HTMLSelectElement).disabled).toBe(true);
    input(form.querySelector('#m-folder'), '/exports');
    input(form.querySelector('#m-name'), 'zebra');
    await settle();
    expect(form.textContent).toContain('/exports/zebra.onnx');
    byText(form, 'button', 'Export model')!.click();
    await settle();
    expect(client.calls.find((c) => c.method === 'models.export')?.params).toEqual({
      runId: run.id,
      format: 'onnx',
      direction: 'AtoB',
      outputPath: '/exports/zebra.onnx',
    });
    const list = () => target.querySelector('.model-exports')!;
    expect(list().textContent).toContain('queued');

    const x = modelExport({ outputPath: '/exports/zebra.onnx' });
    client.emit({ event: 'modelExport.changed', data: { modelExport: { ...x, status: 'running' } } });
    await settle();
    expect(list().textContent).toContain('Writing zebra.onnx');
    client.emit({
      event: 'modelExport.changed',
      data: { modelExport: { ...x, status: 'finished', files: ['/exports/zebra.onnx'], endedAt: x.createdAt + 4000 } },
    });
    await settle();
    expect(list().querySelector('.badge.ok')?.textContent).toBe('finished');
    expect(list().querySelector('code.path')?.textContent).toBe('/exports/zebra.onnx');
    expect(list().textContent).toContain('1 file written');
    byText(list(), 'button', 'Show in folder')!.click();
    expect(showInFolder).toHaveBeenCalledWith('/exports/zebra.onnx');

    const failed = modelExport({ id: 'x_export002', format: 'tfjs', outputPath: '/web/z', createdAt: x.createdAt + 1 });
    client.emit({
      event: 'modelExport.changed',
      data: { modelExport: { ...failed, status: 'failed', statusReason: 'ENOSPC: no space left on device' } },
    });
    await settle();
    expect(list().querySelector('.error-box')?.textContent).toBe('ENOSPC: no space left on device');
    expect(list().querySelectorAll('article').length).toBe(2);
  });

  it('stops a running folder translation with exports.stop', async () => {
    const { target, client } = await open('#/p/p_abcdef12/export', {
      'runs.list': () => [run],
      'exports.list': () => [running],
      'exports.stop': () => ({ ...running, status: 'stopped' as const }),
    });
    const stop = byText(target, 'button', 'Stop')!;
    stop.click();
    await settle();
    expect(client.calls.find((c) => c.method === 'exports.stop')?.params).toEqual({ exportId: running.id });
    client.emit({ event: 'export.changed', data: { export: { ...running, status: 'stopped', endedAt: 2 } } });
    await settle();
    expect(byText(target, 'button', 'Stop')).toBeUndefined();
    expect(target.querySelector('.jobs')?.textContent).toContain('stopped');
  });

  it('after a reconnect, trusts the refetched list over an event from before the drop', async () => {
    let listed = [modelExport({ status: 'running' })];
    const { target, client } = await open('#/p/p_abcdef12/export', { 'runs.list': () => [run], 'models.exports': () => listed });
    client.emit({ event: 'modelExport.changed', data: { modelExport: modelExport({ status: 'running' }) } });
    await settle();
    expect(target.querySelector('.model-exports .badge.active')?.textContent).toBe('running');
    listed = [modelExport({ status: 'finished', files: ['/m.onnx'], endedAt: 2 })];
    client.emit({ event: 'snapshot', data: { projects: [project()], activeRuns: [], progress: {}, jobs: [] } });
    await settle();
    expect(target.querySelector('.model-exports .badge.ok')?.textContent).toBe('finished');
  });

  it('offers B → A only for a two-way model', async () => {
    const pair = importedRun({ model: 'cyclegan', projectId: 'p_unpaired1', imported: importedInfo({ generators: 2 }) });
    const { target } = await open(`#/p/p_unpaired1/export/${pair.id}`, { 'runs.list': () => [pair] }, [
      project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' }),
    ]);
    const dir = target.querySelector('#x-dir') as HTMLSelectElement;
    expect(dir.disabled).toBe(false);
    expect([...dir.options].map((o) => o.value)).toEqual(['AtoB', 'BtoA']);
    expect(target.querySelector('#m-dir')).not.toBeNull();
  });
});

describe('Train: fine-tune', () => {
  it('locks the architecture to the source, says where it comes from, and sends initFrom', async () => {
    const source = importedRun();
    const { target, client } = await open(`#/p/p_abcdef12/train/${source.id}`, {
      'runs.list': () => [source],
      'runs.get': () => fullRun(source),
      'runs.start': () => ({
        ok: false,
        error: { code: 'invalid-input', message: 'options.ngf: a fine-tuned run keeps the architecture', field: 'options.ngf' },
      }),
    });
    expect((target.querySelector('#init-from') as HTMLSelectElement).value).toBe(source.id);
    const netG = target.querySelector('#opt-netG') as HTMLSelectElement;
    expect(netG.disabled).toBe(true);
    expect(netG.value).toBe('resnet_6blocks');
    expect((target.querySelector('#opt-ngf') as HTMLInputElement).value).toBe('8');
    expect(target.querySelector('#opt-ngf-help')?.textContent).toBe(`Taken from ${source.name}: its weights need this.`);
    // Dropout is part of the shape: a ResNet block's dropout layer shifts its weights' names.
    const dropout = target.querySelector('#opt-no_dropout') as HTMLInputElement;
    expect(dropout.checked).toBe(true);
    expect(dropout.disabled).toBe(true);
    // The discriminator of an import starts fresh: it stays the user's.
    expect((target.querySelector('#opt-ndf') as HTMLInputElement).disabled).toBe(false);
    expect(target.querySelector('#init-from-help')?.textContent).toContain('keeps its architecture');

    byText(target, 'button', /Start fine-tuning/)!.click();
    await settle();
    const start = client.calls.find((c) => c.method === 'runs.start')?.params as {
      initFrom: unknown;
      name: string;
      options: Record<string, unknown>;
    };
    expect(start.initFrom).toEqual({ runId: source.id });
    expect(start.name).toBe('resnet6_ngf8_instance fine-tuned');
    expect(start.options).toMatchObject({ model: 'pix2pix', netG: 'resnet_6blocks', ngf: 8, norm: 'instance', no_dropout: true });
    expect(target.querySelector('#opt-ngf-help')?.textContent).toContain('options.ngf: a fine-tuned run keeps the architecture');

    // Back to new weights: everything is editable again.
    const pick = target.querySelector('#init-from') as HTMLSelectElement;
    pick.value = '';
    pick.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect((target.querySelector('#opt-netG') as HTMLSelectElement).disabled).toBe(false);
    expect(byText(target, 'button', /Start training/)).toBeDefined();
  });

  it('refuses a source the service would refuse and says why', async () => {
    const single = importedRun({ projectId: 'p_unpaired1', model: 'cyclegan' });
    const runs: RunSummary[] = [single];
    const { target } = await open(`#/p/p_unpaired1/train/${single.id}`, { 'runs.list': () => runs, 'runs.get': () => fullRun(single) }, [
      project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' }),
    ]);
    expect((target.querySelector('#init-from') as HTMLSelectElement).value).toBe('');
    expect(target.querySelector('#init-from-help')?.textContent).toMatch(/cannot start a run in this project: it holds one generator/);
    expect((target.querySelector(`#init-from option[value=${single.id}]`) as HTMLOptionElement).disabled).toBe(true);
    expect((target.querySelector('#opt-netG') as HTMLSelectElement).disabled).toBe(false);
  });
});
