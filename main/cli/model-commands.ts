import path from 'node:path';
import { Command, Option } from 'commander';
import { atomicTempPath } from '../gan/checkpoint/atomic-write.js';
import { initBackend } from '../gan/backend/index.js';
import { importCycleGanPair, importPthModel } from '../gan/io/import-pth.js';
import type { ArchOverrides } from '../gan/io/infer-arch.js';
import { assertModelExportTarget, exportModel } from '../gan/io/model-export.js';
import { loadTranslator } from '../gan/models/generator-file.js';
import { GENERATORS } from '../gan/networks/define.js';
import { parseIntOption } from './argv.js';

interface ImportFlags {
  out: string;
  pairWith?: string;
  netG?: ArchOverrides['netG'];
  norm?: ArchOverrides['norm'];
  ngf?: number;
  backend?: string;
}

export function importModelCommand(): Command {
  return new Command('import-model')
    .description("import a PyTorch generator (.pth from the reference's model zoo or your own training)")
    .argument('<file>', 'the .pth file (zip or legacy format); it is parsed, never executed')
    .requiredOption('--out <file>', 'the Tandem model to write (e.g. horse2zebra.tandem)')
    .option('--pair_with <file>', "the other direction's .pth of a CycleGAN (G_B), to fine-tune both")
    .addOption(new Option('--netG <name>', 'the architecture, when it cannot be told from the file').choices([...GENERATORS]))
    .addOption(
      new Option('--norm <type>', 'the normalisation, when it cannot be told from the file').choices(['batch', 'instance', 'none']),
    )
    .option('--ngf <n>', 'generator width, when it cannot be told from the file', parseIntOption('ngf'))
    .option('--backend <name>', 'auto, gpu, webgpu, node, wasm or cpu')
    .action(async (file: string, o: ImportFlags & { pair_with?: string }) => {
      await initBackend(o.backend);
      const overrides: ArchOverrides = {
        ...(o.netG ? { netG: o.netG } : {}),
        ...(o.norm ? { norm: o.norm } : {}),
        ...(o.ngf ? { ngf: o.ngf } : {}),
      };
      if (o.pair_with) {
        const r = await importCycleGanPair(file, o.pair_with, o.out, { overrides });
        console.error(`imported a CycleGAN pair (${r.archA.netG}, ngf ${r.archA.ngf}, ${r.archA.norm} norm) → ${r.outPath}`);
        console.error(
          `fine-tune it on your images with: tandem train --model cyclegan --init_from ${r.outPath} --dataroot <folder> --name <run> …`,
        );
        for (const n of r.notes) console.error(`  note: ${n}`);
        return;
      }
      const r = await importPthModel(file, o.out, overrides);
      console.error(
        `imported ${r.arch.netG} (ngf ${r.arch.ngf}, ${r.arch.norm} norm, ${r.arch.inputNc}→${r.arch.outputNc} channels, ` +
          `${r.params.toLocaleString('en')} parameters, ${r.format} format) → ${r.outPath}`,
      );
      for (const n of r.notes) console.error(`  note: ${n}`);
    });
}

export function exportModelCommand(): Command {
  return new Command('export-model')
    .description('export a generator as ONNX (onnxruntime, TouchDesigner, …) or a TF.js graph model (web pages)')
    .argument('<model>', 'a Tandem checkpoint or imported model')
    .addOption(
      new Option('--format <fmt>', 'onnx: one NCHW input in [-1,1]; tfjs: model.json + weights + an example page')
        .choices(['onnx', 'tfjs'])
        .makeOptionMandatory(),
    )
    .requiredOption('--out <path>', 'the .onnx file, or the folder for the TF.js model')
    .addOption(
      new Option('--direction <dir>', 'for CycleGAN models: AtoB exports G_A, BtoA exports G_B').choices(['AtoB', 'BtoA']).default('AtoB'),
    )
    .option('--backend <name>', 'auto, gpu, webgpu, node, wasm or cpu')
    .action(async (model: string, o: { format: 'onnx' | 'tfjs'; out: string; direction: 'AtoB' | 'BtoA'; backend?: string }) => {
      const out = path.resolve(o.out);
      assertModelExportTarget(out);
      await initBackend(o.backend);
      const t = await loadTranslator(model, o.direction);
      try {
        console.error((await exportModel(t.net, t.arch, o.format, out, atomicTempPath(out))).summary);
      } finally {
        t.net.dispose();
      }
    });
}
