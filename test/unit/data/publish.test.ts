// Publishing never replaces: the check and the move are one file-system operation.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishFile, publishFolder, PublishConflictError } from '../../../main/data/publish.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-publish-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (...p: string[]) => path.join(dir, ...p);

describe('publishFile', () => {
  it('moves the finished file into place', async () => {
    writeFileSync(at('.out.tmp'), 'result');
    await publishFile(at('.out.tmp'), at('out.onnx'));
    expect(readFileSync(at('out.onnx'), 'utf8')).toBe('result');
    expect(existsSync(at('.out.tmp'))).toBe(false);
  });

  it('keeps a file that has the name, and the result, and names where the result is', async () => {
    writeFileSync(at('.out.tmp'), 'result');
    writeFileSync(at('out.onnx'), "the user's");
    const error = await publishFile(at('.out.tmp'), at('out.onnx')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishConflictError);
    expect((error as Error).message).toContain(`the result was kept in ${at('.out.tmp')}`);
    expect(readFileSync(at('out.onnx'), 'utf8')).toBe("the user's");
    expect(readFileSync(at('.out.tmp'), 'utf8')).toBe('result');
  });
});

describe('publishFolder', () => {
  const finished = () => {
    mkdirSync(at('out.partial'));
    writeFileSync(at('out.partial', 'model.json'), '{}');
  };

  it('moves the finished folder into place, or into an empty folder when that is allowed', async () => {
    finished();
    await publishFolder(at('out.partial'), at('out'));
    expect(readFileSync(at('out', 'model.json'), 'utf8')).toBe('{}');
    finished();
    mkdirSync(at('chosen'));
    await publishFolder(at('out.partial'), at('chosen'), { intoEmptyFolder: true });
    expect(readFileSync(at('chosen', 'model.json'), 'utf8')).toBe('{}');
    expect(existsSync(at('out.partial'))).toBe(false);
  });

  it('never replaces a folder with entries, a file, or (unless allowed) an empty folder', async () => {
    finished();
    mkdirSync(at('full'));
    writeFileSync(at('full', 'notes.txt'), 'mine');
    writeFileSync(at('file'), 'mine');
    mkdirSync(at('empty'));
    for (const [target, intoEmptyFolder] of [
      ['full', true],
      ['file', true],
      ['empty', false],
    ] as const) {
      const error = await publishFolder(at('out.partial'), at(target), { intoEmptyFolder }).catch((e: unknown) => e);
      expect(error, target).toBeInstanceOf(PublishConflictError);
      expect((error as Error).message).toContain(`the result was kept in ${at('out.partial')}`);
    }
    expect(readFileSync(at('full', 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(at('file'), 'utf8')).toBe('mine');
    expect(existsSync(at('empty', 'model.json'))).toBe(false);
    expect(readFileSync(at('out.partial', 'model.json'), 'utf8')).toBe('{}');
  });
});
