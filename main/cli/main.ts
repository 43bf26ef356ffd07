import { Command, CommanderError } from 'commander';
import { normaliseOptionNames } from './argv.js';
import { demoCommand, inspectCommand } from './data-commands.js';
import { exportModelCommand, importModelCommand } from './model-commands.js';
import { serveCommand } from './serve-command.js';
import { trainCommand } from './train-command.js';
import { translateCommand } from './translate-command.js';
import { isUserFacing } from './user-error.js';

export function buildProgram(): Command {
  const program = new Command('tandem')
    .description('Tandem: train pix2pix and CycleGAN models on your folders, and translate images with them')
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(trainCommand());
  program.addCommand(inspectCommand());
  program.addCommand(demoCommand());
  program.addCommand(translateCommand());
  program.addCommand(importModelCommand());
  program.addCommand(exportModelCommand());
  program.addCommand(serveCommand());
  for (const c of program.commands) c.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI; returns the exit code. User mistakes are one line on stderr, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const args = normaliseOptionNames(argv);
  try {
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander has printed help or the error
    const debug = args.includes('--debug');
    if (isUserFacing(e) && !debug) {
      console.error(`tandem: ${e.message}`);
    } else {
      console.error(
        debug && e instanceof Error ? e.stack : `tandem: ${e instanceof Error ? e.message : String(e)} (run with --debug for details)`,
      );
    }
    return 1;
  }
}
