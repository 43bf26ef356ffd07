// What a run can do as a model: translate one way or both, be fine-tuned in its project, be
// exported. These mirror the service's rules (main/studio/fine-tune.ts, models-service.ts) so the
// UI can say why before asking; the service stays the judge.
import type { ImportedModelInfo, ModelFormat, Project, RunSummary } from '$api/entities.js';
import { architectureKeys, modelDefinition, modelsFor } from '$api/run-options.js';

type RunLike = Pick<RunSummary, 'model' | 'origin' | 'imported' | 'status' | 'lastCheckpoint' | 'name'>;

/** Only a CycleGAN pair translates both ways; pix2pix, CUT and a single imported generator A→B only. */
export function isTwoWay(run: Pick<RunSummary, 'model' | 'imported'>): boolean {
  return run.model === 'cyclegan' && run.imported?.generators !== 1;
}

/** Why `run` cannot start a fine-tuned run in `project`, for people; null when it can. The new run trains the source's model. */
export function fineTuneBlocker(project: Pick<Project, 'kind'> | null, run: RunLike): string | null {
  if (run.origin === 'imported' && !run.imported) return run.status === 'failed' ? 'the import failed' : 'it is still importing';
  if (!run.lastCheckpoint) return 'it has no saved model yet';
  if (!project) return null;
  const onePartOfPair = run.model === 'cyclegan' && run.imported?.generators === 1;
  if (modelsFor(project.kind).includes(run.model) && !onePartOfPair) return null;
  if (project.kind === 'paired') return 'it is a CycleGAN pair; pix2pix fine-tunes one generator (import latest_net_G.pth on its own)';
  return onePartOfPair
    ? 'it holds one generator, and a CycleGAN fine-tunes both directions: import the pair (G_A and G_B)'
    : `it is a ${run.model} model`;
}

/** The id of the element that says why a run cannot be fine-tuned (for aria-describedby). */
export function fineTuneReasonId(runId: string): string {
  return `ft-why-${runId}`;
}

/**
 * Options a fine-tuned run takes from its source: the generator's shape, and the discriminator's
 * (and CUT's projection's) when they were trained; an imported model's were not.
 */
export function lockedKeys(source: Pick<RunSummary, 'origin' | 'model'>): string[] {
  return architectureKeys(modelDefinition(source.model), source.origin === 'imported');
}

const NET_LABELS: Record<ImportedModelInfo['netG'], string> = {
  resnet_9blocks: 'ResNet, 9 blocks',
  resnet_6blocks: 'ResNet, 6 blocks',
  unet_128: 'U-Net 128',
  unet_256: 'U-Net 256',
};

const channels = (n: number) => (n === 3 ? 'RGB' : n === 1 ? 'gray' : `${n} ch`);

/** "ResNet, 6 blocks · 8 filters · instance norm · RGB → RGB" */
export function architectureLine(a: Pick<ImportedModelInfo, 'netG' | 'ngf' | 'norm' | 'inputNc' | 'outputNc'>): string {
  const norm = a.norm === 'none' ? 'no norm' : `${a.norm} norm`;
  return `${NET_LABELS[a.netG] ?? a.netG} · ${a.ngf} filters · ${norm} · ${channels(a.inputNc)} → ${channels(a.outputNc)}`;
}

/** The short form for tables: "ResNet-6 · ngf 8 · instance". */
export function architectureShort(a: Pick<ImportedModelInfo, 'netG' | 'ngf' | 'norm'>): string {
  const net = a.netG.startsWith('resnet_') ? `ResNet-${a.netG.replace(/\D/g, '')}` : `U-Net ${a.netG.replace(/\D/g, '')}`;
  return `${net} · ngf ${a.ngf} · ${a.norm}`;
}

export function formatParams(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  return n.toLocaleString('en-US');
}

export function directionLabel(d: 'AtoB' | 'BtoA'): string {
  return d === 'AtoB' ? 'A → B' : 'B → A';
}

export const FORMAT_LABELS: Record<ModelFormat, string> = { onnx: 'ONNX', tfjs: 'TF.js' };

/** A file-system-safe stem for a run's exported model: "horse2zebra-AtoB". */
export function modelStem(run: Pick<RunSummary, 'name' | 'model' | 'imported'>, direction: 'AtoB' | 'BtoA'): string {
  const safe = run.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return isTwoWay(run) ? `${safe}-${direction}` : safe;
}

/**
 * Where a model export goes, from an optional folder and an optional name: undefined when both
 * are empty (the studio picks a fresh name in the project's models folder). An ONNX name gets
 * its .onnx; a folder without a name gets `stem`.
 */
export function modelExportPath(o: {
  folder: string;
  name: string;
  format: ModelFormat;
  artifactDir: string | null;
  stem: string;
}): string | undefined {
  const folder = o.folder.trim();
  let name = o.name.trim();
  if (!folder && !name) return undefined;
  if (!name) name = o.stem;
  if (o.format === 'onnx' && !/\.onnx$/i.test(name)) name = `${name}.onnx`;
  if (isAbsolute(name)) return name;
  const base = folder || (o.artifactDir ? joinPath(o.artifactDir, 'models') : '');
  return base ? joinPath(base, name) : name;
}

/** Joins with the separator the folder already uses (a Windows path keeps its backslashes). */
export function joinPath(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? `${folder}${name}` : `${folder}${sep}${name}`;
}

/** The name an import gets when none is given, as the service picks it: latest_net_G.pth is named after its folder. */
export function defaultImportName(file: string): string {
  const stem = baseName(file).replace(/\.(pth|pt)$/i, '');
  if (!/^(latest|\d+)_net_G(_A|_B)?$/.test(stem)) return stem;
  const folder = baseName(dirName(file)).replace(/_pretrained$/, '');
  return folder && folder !== '.' && folder !== file ? folder : stem;
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).pop() ?? p;
}

export function dirName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i <= 0 ? p.slice(0, i + 1) : p.slice(0, i);
}
