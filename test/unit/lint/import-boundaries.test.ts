import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/run-cli.js';

const eslint = new ESLint({ cwd: REPO });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}/${file}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('keep Node, tfjs, electron and main/ (but the API contract, as $api) out of the renderer', async () => {
    const file = 'renderer/src/boundary-probe.ts';
    expect(await restricted(file, "import { readFile } from 'node:fs';\nexport const x = readFile;")).toHaveLength(1);
    expect(await restricted(file, "import path from 'path';\nexport const x = path;")).toHaveLength(1);
    expect(await restricted(file, "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;")).toHaveLength(1);
    expect(await restricted(file, "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;")).toHaveLength(1);
    expect(await restricted(file, "import { Studio } from '../../main/studio/index.js';\nexport const x = Studio;")).toHaveLength(1);
    expect(
      await restricted(file, "import { METHOD_NAMES } from '../../main/api/methods.js';\nexport const x = METHOD_NAMES;"),
    ).toHaveLength(1);
    expect(await restricted(file, "import { METHOD_NAMES } from '$api/methods.js';\nexport const x = METHOD_NAMES;")).toEqual([]);
    expect(await restricted(file, "import { fmt } from './util/format.js';\nexport const x = fmt;")).toEqual([]);
  });

  it("allow 'electron' only in main/electron and preload", async () => {
    const code = "import { app } from 'electron';\nexport const x = app;";
    expect(await restricted('main/studio/boundary-probe.ts', code)).toHaveLength(1);
    expect(await restricted('main/cli/boundary-probe.ts', code)).toHaveLength(1);
    expect(await restricted('main/electron/boundary-probe.ts', code)).toEqual([]);
    expect(await restricted('preload/boundary-probe.ts', code)).toEqual([]);
  });
});
