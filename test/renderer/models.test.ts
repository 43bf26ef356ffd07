import { describe, expect, it } from 'vitest';
import {
  architectureLine,
  defaultImportName,
  fineTuneBlocker,
  formatParams,
  isTwoWay,
  lockedKeys,
  modelExportPath,
  modelStem,
} from '../../renderer/src/lib/models.js';
import { parseHash, routeHash } from '../../renderer/src/lib/stores/router.svelte.js';
import { emptyState, reduceEvent } from '../../renderer/src/lib/stores/studio-state.js';
import { importedInfo, importedRun, modelExport, project, runSummary } from './helpers/fixtures.js';

const paired = project();
const unpaired = project({ kind: 'unpaired', layout: 'unpaired' });
const single = (model: 'pix2pix' | 'cyclegan') => importedRun({ model });
const pair = importedRun({ model: 'cyclegan', imported: importedInfo({ generators: 2, params: 2 * 124_931 }) });

describe('what a run can do as a model', () => {
  it('translates both ways only as a CycleGAN pair', () => {
    expect(isTwoWay(runSummary({ model: 'pix2pix' }))).toBe(false);
    expect(isTwoWay(runSummary({ model: 'cyclegan' }))).toBe(true);
    expect(isTwoWay(single('cyclegan'))).toBe(false);
    expect(isTwoWay(pair)).toBe(true);
    expect(isTwoWay(runSummary({ model: 'cut' }))).toBe(false);
  });

  it('says why it cannot be fine-tuned, as the service would', () => {
    // One generator: pix2pix fine-tunes it, a CycleGAN needs both directions.
    expect(fineTuneBlocker(paired, single('pix2pix'))).toBeNull();
    expect(fineTuneBlocker(unpaired, single('cyclegan'))).toMatch(/holds one generator.*import the pair/);
    // A pair fine-tunes a CycleGAN, not a pix2pix.
    expect(fineTuneBlocker(unpaired, pair)).toBeNull();
    expect(fineTuneBlocker(paired, pair)).toMatch(/CycleGAN pair; pix2pix fine-tunes one generator/);
    // Trained runs, while there is a checkpoint.
    expect(fineTuneBlocker(paired, runSummary({ status: 'finished', lastCheckpoint: 'latest.tandem' }))).toBeNull();
    expect(fineTuneBlocker(paired, runSummary({ lastCheckpoint: null }))).toMatch(/no saved model/);
    // A CUT run starts a CUT run in an unpaired project (the new run trains its model).
    const cut = runSummary({ model: 'cut', status: 'stopped', lastCheckpoint: 'latest.tandem' });
    expect(fineTuneBlocker(unpaired, cut)).toBeNull();
    expect(fineTuneBlocker(paired, cut)).toMatch(/pix2pix fine-tunes one generator/);
    // Imports that have not (or never will) produce a model.
    expect(fineTuneBlocker(paired, importedRun({ imported: null, status: 'running', lastCheckpoint: null }))).toMatch(/still importing/);
    expect(fineTuneBlocker(paired, importedRun({ imported: null, status: 'failed', lastCheckpoint: null }))).toMatch(/import failed/);
  });

  it('locks the generator shape of an import, and the discriminator too of a trained run', () => {
    expect(lockedKeys(pair)).toEqual(['netG', 'ngf', 'norm', 'input_nc', 'output_nc', 'no_dropout']);
    expect(lockedKeys(runSummary())).toEqual(['netG', 'ngf', 'norm', 'input_nc', 'output_nc', 'no_dropout', 'netD', 'ndf', 'n_layers_D']);
    // CUT: normG and the blur pools shape G; D's norm and the projection MLPs (netF_nc, nce_layers) the rest.
    expect(lockedKeys(runSummary({ model: 'cut' }))).toEqual([
      ...['netG', 'ngf', 'normG', 'input_nc', 'output_nc', 'no_dropout', 'no_antialias', 'no_antialias_up'],
      ...['netD', 'ndf', 'n_layers_D', 'normD', 'netF_nc', 'nce_layers'],
    ]);
  });

  it('describes an architecture for people', () => {
    expect(architectureLine(importedInfo())).toBe('ResNet, 6 blocks · 8 filters · instance norm · RGB → RGB');
    expect(architectureLine(importedInfo({ netG: 'unet_256', norm: 'none', inputNc: 1 }))).toBe(
      'U-Net 256 · 8 filters · no norm · gray → RGB',
    );
    expect(formatParams(124_931)).toBe('124,931');
    expect(formatParams(54_414_080)).toBe('54.4 M');
  });

  it('names an import as the service does: the model zoo’s latest_net_G.pth after its folder', () => {
    expect(defaultImportName('/m/resnet6_ngf8_instance.pth')).toBe('resnet6_ngf8_instance');
    expect(defaultImportName('/zoo/horse2zebra_pretrained/latest_net_G_A.pth')).toBe('horse2zebra');
    expect(defaultImportName('/zoo/facades/200_net_G.pt')).toBe('facades');
  });

  it('builds a model export target from an optional folder and name', () => {
    const o = { format: 'onnx' as const, artifactDir: '/studio/projects/p_1', stem: 'horse2zebra-AtoB' };
    expect(modelExportPath({ ...o, folder: '', name: '' })).toBeUndefined();
    expect(modelExportPath({ ...o, folder: '/out', name: '' })).toBe('/out/horse2zebra-AtoB.onnx');
    expect(modelExportPath({ ...o, folder: '/out/', name: 'zebra' })).toBe('/out/zebra.onnx');
    expect(modelExportPath({ ...o, folder: '', name: 'zebra.onnx' })).toBe('/studio/projects/p_1/models/zebra.onnx');
    expect(modelExportPath({ ...o, folder: 'C:\\Models', name: 'z' })).toBe('C:\\Models\\z.onnx');
    expect(modelExportPath({ ...o, format: 'tfjs', folder: '/web', name: '' })).toBe('/web/horse2zebra-AtoB');
    expect(modelExportPath({ ...o, folder: '/ignored', name: '/abs/zebra.onnx' })).toBe('/abs/zebra.onnx');
    expect(modelStem(pair, 'BtoA')).toBe('resnet6_ngf8_instance-BtoA');
    expect(modelStem(single('pix2pix'), 'AtoB')).toBe('resnet6_ngf8_instance');
  });
});

describe('routes for the model actions', () => {
  it('parses and writes the import form, fine-tune and model export routes', () => {
    expect(parseHash('#/p/p_1/runs/import')).toEqual({ name: 'project', projectId: 'p_1', view: 'runs', runId: null, action: 'import' });
    expect(parseHash('#/p/p_1/train/r_2')).toEqual({ name: 'project', projectId: 'p_1', view: 'train', runId: 'r_2' });
    const model = parseHash('#/p/p_1/export/r_2/model');
    expect(model).toEqual({ name: 'project', projectId: 'p_1', view: 'export', runId: 'r_2', action: 'model' });
    expect(routeHash(model)).toBe('#/p/p_1/export/r_2/model');
    expect(routeHash({ name: 'project', projectId: 'p_1', view: 'runs', runId: null, action: 'import' })).toBe('#/p/p_1/runs/import');
  });
});

describe('studio state: model exports and deleted runs', () => {
  it('keeps the latest of each model export and forgets deleted runs', () => {
    const run = runSummary();
    let s = reduceEvent(emptyState(), { event: 'snapshot', data: { projects: [paired], activeRuns: [run], progress: {}, jobs: [] } });
    s = reduceEvent(s, { event: 'modelExport.changed', data: { modelExport: modelExport() } });
    s = reduceEvent(s, { event: 'modelExport.changed', data: { modelExport: modelExport({ status: 'finished', files: ['/a.onnx'] }) } });
    expect(Object.values(s.modelExports)).toEqual([expect.objectContaining({ status: 'finished', files: ['/a.onnx'] })]);
    s = reduceEvent(s, { event: 'run.deleted', data: { runId: run.id, projectId: paired.id } });
    expect(s.runs[run.id]).toBeUndefined();
    s = reduceEvent(s, { event: 'project.deleted', data: { projectId: paired.id } });
    expect(s.modelExports).toEqual({});
  });
});
