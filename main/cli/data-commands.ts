import { Command } from 'commander';
import { inspectFolders } from '../data/health.js';
import { formatHealthReport } from '../data/health-summary.js';
import { DEMO_DEFAULTS, writeDemoDatasets } from '../data/demo.js';
import { parseIntOption } from './argv.js';
import { ProgressLine } from './progress.js';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('check folders of images: counts, sizes, channels, duplicates, unreadable files')
    .argument('<folders...>', 'one or more folders (searched recursively)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--crop_size <n>', 'flag images smaller than this crop', parseIntOption('crop_size'), 256)
    .action(async (folders: string[], o: { json?: boolean; crop_size: number }) => {
      const progress: { line: ProgressLine | null } = { line: null };
      const report = await inspectFolders(folders, {
        cropSize: o.crop_size,
        onProgress: (done, total) => (progress.line ??= new ProgressLine('inspect', total)).update(done, total, ''),
      });
      progress.line?.stop();
      if (o.json) console.log(JSON.stringify(report, null, 2));
      else console.log(formatHealthReport(report));
    });
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('write two small generated datasets to try Tandem on: <folder>/paired (pix2pix) and <folder>/unpaired (CycleGAN)')
    .argument('<folder>', 'where to write them')
    .option('--seed <n>', 'the same seed writes the same images', parseIntOption('seed'), DEMO_DEFAULTS.seed)
    .option('--train_count <n>', 'training images per side', parseIntOption('train_count'), DEMO_DEFAULTS.trainCount)
    .option('--test_count <n>', 'test images per side', parseIntOption('test_count'), DEMO_DEFAULTS.testCount)
    .option('--size <px>', 'image size', parseIntOption('size'), DEMO_DEFAULTS.size)
    .option('--overwrite', 'replace demo datasets already in the folder')
    .action(async (folder: string, o: { seed: number; train_count: number; test_count: number; size: number; overwrite?: boolean }) => {
      const r = await writeDemoDatasets(folder, {
        seed: o.seed,
        trainCount: o.train_count,
        testCount: o.test_count,
        size: o.size,
        overwrite: Boolean(o.overwrite),
      });
      console.error(`wrote ${r.files} images:`);
      console.error(`  ${r.paired}   (pix2pix: outline → filled, shaded shape)`);
      console.error(`  ${r.unpaired} (CycleGAN: pastel shapes ↔ neon outlines)`);
      console.error(
        `try: tandem train --model pix2pix --dataroot ${r.paired} --name demo_pix2pix --ngf 16 --ndf 16 --crop_size 128 --load_size 143 --n_epochs 5 --n_epochs_decay 5`,
      );
    });
}
