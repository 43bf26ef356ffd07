// @vitest-environment happy-dom
// Answers arrive in any order: a list requested before a refetch can be answered after it. The
// views show the answer to the newest request, never an older one that arrived last.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../main/api/entities.js';
import { newest } from '../../renderer/src/lib/load.svelte.js';
import { settle, useDom } from './helpers/dom.js';
import { runSummary } from './helpers/fixtures.js';
import { openApp } from './helpers/open-app.js';

useDom();

/** A promise the test resolves when it chooses. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('newest()', () => {
  it('applies the newest request’s answer and drops an older one that arrives after it', async () => {
    const requests = newest();
    const applied: string[] = [];
    const older = deferred<string>();
    const newer = deferred<string>();
    const a = requests.take(older.promise, (v) => applied.push(v));
    const b = requests.take(newer.promise, (v) => applied.push(v));
    newer.resolve('newer');
    await b;
    older.resolve('older');
    await a;
    expect(applied).toEqual(['newer']);
  });

  it('drops every answer still on its way once told to (the view is gone)', async () => {
    const requests = newest();
    const applied: string[] = [];
    const late = deferred<string>();
    const done = requests.take(late.promise, (v) => applied.push(v));
    requests.drop();
    late.resolve('late');
    await done;
    expect(applied).toEqual([]);
  });
});

describe('Runs view', () => {
  it('keeps the refetched list when the first list arrives after it', async () => {
    const answers: Array<ReturnType<typeof deferred<RunSummary[]>>> = [];
    const running = runSummary({ id: 'r_run00001', name: 'first', status: 'running' });
    const done = { ...running, status: 'finished' as const, endedAt: 1_700_000_100_000 };
    const { target, client } = await openApp('#/p/p_abcdef12/runs', {
      'runs.list': () => {
        answers.push(deferred<RunSummary[]>());
        return answers.at(-1)!.promise;
      },
    });
    const before = answers.length;
    expect(before).toBeGreaterThan(0);
    // The run finishes: the view refetches its list; that answer comes first, the earlier ones after it.
    client.emit({ event: 'run.changed', data: { run: done } });
    await settle();
    expect(answers).toHaveLength(before + 1);
    answers.at(-1)!.resolve([done]);
    await settle();
    for (const a of answers.slice(0, -1)) a.resolve([running]);
    await settle();
    const status = target.querySelector('tbody tr')!.textContent!;
    expect(status).toContain('finished');
    expect(status).not.toContain('running');
  });
});
