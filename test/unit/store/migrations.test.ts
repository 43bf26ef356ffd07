// Each migration on a real database file: create it at the previous version, put data in,
// upgrade, and check the data survived and the new schema works.
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.js';
import { LATEST_VERSION, MIGRATIONS, schemaVersion } from '../../../main/store/migrations.js';
import { Store } from '../../../main/store/store.js';
import { tempDir } from '../studio/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let file: string;
beforeEach(async () => {
  tmp = await tempDir('tandem-store-');
  file = join(tmp.dir, 'tandem.db');
});
afterEach(() => tmp.cleanup());

const now = 1_700_000_000_000;

/** Data written at each version, and how to check it is still there after upgrading. */
const fixtures: Record<number, { seed(db: Database.Database): void; check(store: Store): void }> = {
  1: {
    seed(db) {
      db.prepare(
        `INSERT INTO projects (id, name, kind, layout, folder_a, folder_b, artifact_dir, status, created_at, updated_at) VALUES ('p_aaaaaaaa', 'Cats', 'paired', 'paired-folders', '/a', '/b', '/data/p', 'ready', ?, ?)`,
      ).run(now, now);
      db.prepare(
        `INSERT INTO dataset_files (project_id, role, rel_path, size, mtime_ms, width, height, content_hash, status, indexed_at) VALUES ('p_aaaaaaaa', 'A', 'cat.png', 10, 1, 24, 24, 'h', 'ok', ?)`,
      ).run(now);
      db.prepare(
        `INSERT INTO runs (id, project_id, name, model, options_json, schedule_json, backend, status, run_dir, total_iters, epoch, last_epoch, last_checkpoint, created_at)
         VALUES ('r_aaaaaaaa', 'p_aaaaaaaa', 'Run 1', 'pix2pix', '{"model":"pix2pix","lr":0.0002}', '{"sampleEvery":400,"checkpointEvery":5000,"saveEpochFreq":5,"numSamples":4}', 'auto', 'stopped', '/data/p/runs/r', 30, 1, 200, 'latest.tandem', ?)`,
      ).run(now);
      db.prepare(
        `INSERT INTO metrics (run_id, iteration, epoch, losses, lr, seconds) VALUES ('r_aaaaaaaa', 1, 1, '{"G_GAN":0.7}', 0.0002, 0.1)`,
      ).run();
      db.prepare(
        `INSERT INTO checkpoints (run_id, file_name, kind, epoch, epoch_iter, total_iters, reason, created_at) VALUES ('r_aaaaaaaa', 'latest.tandem', 'latest', 1, 30, 30, 'stopped', ?)`,
      ).run(now);
      db.prepare(`INSERT INTO samples (run_id, iteration, file, created_at) VALUES ('r_aaaaaaaa', 20, 'samples/iter_00000020.png', ?)`).run(
        now,
      );
    },
    check(store) {
      expect(store.projects.get('p_aaaaaaaa')).toMatchObject({ name: 'Cats', folderA: '/a', status: 'ready' });
      expect(store.datasetIndex.counts('p_aaaaaaaa')).toEqual({ files: 1, unreadable: 0 });
      expect(store.runs.get('r_aaaaaaaa')).toMatchObject({
        options: { model: 'pix2pix', lr: 0.0002 },
        totalIters: 30,
        lastCheckpoint: 'latest.tandem',
      });
      expect(store.metrics.list('r_aaaaaaaa')).toEqual([{ iteration: 1, epoch: 1, losses: { G_GAN: 0.7 }, lr: 0.0002, seconds: 0.1 }]);
      expect(store.artifacts.checkpoints('r_aaaaaaaa')).toHaveLength(1);
      expect(store.artifacts.samples('r_aaaaaaaa')).toHaveLength(1);
    },
  },
  2: {
    seed(db) {
      fixtures[1]!.seed(db);
      const ckpt = (db.prepare('SELECT id FROM checkpoints').get() as { id: number }).id;
      db.prepare(
        `INSERT INTO exports (id, project_id, run_id, checkpoint_id, input_dir, output_dir, format, tile, direction, status, done, total, failed, created_at)
         VALUES ('e_aaaaaaaa', 'p_aaaaaaaa', 'r_aaaaaaaa', ?, '/in', '/out', 'png', 0, 'AtoB', 'finished', 3, 3, 0, ?)`,
      ).run(ckpt, now);
      db.prepare(
        `INSERT INTO jobs (id, kind, run_id, state, created_at, updated_at) VALUES ('j_aaaaaaaa', 'train', 'r_aaaaaaaa', 'finished', ?, ?)`,
      ).run(now, now);
      db.prepare(`INSERT INTO settings (key, value) VALUES ('backend', '"wasm"')`).run();
    },
    check(store) {
      fixtures[1]!.check(store);
      expect(store.exports.get('e_aaaaaaaa')).toMatchObject({ status: 'finished', done: 3 });
      expect(store.jobs.get('j_aaaaaaaa')).toMatchObject({ state: 'finished' });
      expect(store.settings.get('backend')).toBe('wasm');
    },
  },
  3: {
    seed(db) {
      fixtures[2]!.seed(db);
      db.prepare(
        `INSERT INTO runs (id, project_id, name, model, origin, imported_json, options_json, schedule_json, backend, status, run_dir, last_epoch, created_at)
         VALUES ('r_bbbbbbbb', 'p_aaaaaaaa', 'horse2zebra', 'cyclegan', 'imported', '{"generators":1,"netG":"resnet_9blocks"}', '{"model":"cyclegan"}', '{}', 'auto', 'finished', '/data/p/runs/i', 1, ?)`,
      ).run(now);
      const info = db
        .prepare(
          `INSERT INTO checkpoints (run_id, file_name, kind, epoch, epoch_iter, total_iters, reason, created_at) VALUES ('r_bbbbbbbb', 'model.tandem', 'imported', 1, 0, 0, 'imported', ?)`,
        )
        .run(now);
      db.prepare(
        `INSERT INTO model_exports (id, project_id, run_id, checkpoint_id, format, direction, output_path, status, files_json, created_at)
         VALUES ('x_aaaaaaaa', 'p_aaaaaaaa', 'r_bbbbbbbb', ?, 'onnx', 'AtoB', '/out/h2z.onnx', 'finished', '["/out/h2z.onnx"]', ?)`,
      ).run(info.lastInsertRowid, now);
      db.prepare(
        `INSERT INTO jobs (id, kind, model_export_id, state, created_at, updated_at) VALUES ('j_bbbbbbbb', 'model-export', 'x_aaaaaaaa', 'finished', ?, ?)`,
      ).run(now, now);
    },
    check(store) {
      fixtures[2]!.check(store);
      expect(store.runs.get('r_bbbbbbbb')).toMatchObject({ origin: 'imported', imported: { generators: 1 } });
      expect(store.runs.get('r_aaaaaaaa')).toMatchObject({ origin: 'trained', imported: null });
      expect(store.modelExports.get('x_aaaaaaaa')).toMatchObject({ format: 'onnx', files: ['/out/h2z.onnx'] });
      expect(store.jobs.get('j_bbbbbbbb')).toMatchObject({ kind: 'model-export', modelExportId: 'x_aaaaaaaa' });
    },
  },
  4: {
    seed(db) {
      fixtures[3]!.seed(db);
      db.prepare(
        `INSERT INTO runs (id, project_id, name, model, origin, started_from_json, options_json, schedule_json, backend, status, run_dir, last_epoch, created_at)
         VALUES ('r_cccccccc', 'p_aaaaaaaa', 'tuned', 'cyclegan', 'trained', '{"runId":"r_bbbbbbbb","runName":"horse2zebra","checkpointId":2,"fileName":"model.tandem"}', '{"model":"cyclegan"}', '{}', 'auto', 'finished', '/data/p/runs/t', 1, ?)`,
      ).run(now);
    },
    check(store) {
      fixtures[3]!.check(store);
      expect(store.runs.get('r_cccccccc')!.startedFrom).toEqual({
        runId: 'r_bbbbbbbb',
        runName: 'horse2zebra',
        checkpointId: 2,
        fileName: 'model.tandem',
      });
      expect(store.runs.get('r_aaaaaaaa')!.startedFrom).toBeNull();
    },
  },
  5: {
    seed(db) {
      fixtures[4]!.seed(db);
      db.prepare(
        `INSERT INTO runs (id, project_id, name, model, options_json, schedule_json, backend, status, run_dir, last_epoch, created_at)
         VALUES ('r_dddddddd', 'p_aaaaaaaa', 'fast style', 'cut', '{"model":"cut","CUT_mode":"FastCUT"}', '{}', 'auto', 'running', '/data/p/runs/c', 200, ?)`,
      ).run(now);
    },
    check(store) {
      fixtures[4]!.check(store);
      expect(store.runs.get('r_dddddddd')).toMatchObject({ model: 'cut', options: { CUT_mode: 'FastCUT' } });
    },
  },
};

describe('migrations', () => {
  it('has a fixture for every version (add one with each new migration)', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Object.keys(fixtures).map(Number));
  });

  for (const m of MIGRATIONS) {
    it(`upgrades a version ${m.version - 1} database to ${LATEST_VERSION}, keeping its data (${m.description})`, () => {
      const db = openDatabase(file, { version: m.version - 1 });
      expect(schemaVersion(db)).toBe(m.version - 1);
      fixtures[m.version - 1]?.seed(db);
      db.close();
      const store = Store.open(file);
      expect(schemaVersion(store.db)).toBe(LATEST_VERSION);
      fixtures[m.version - 1]?.check(store);
      store.close();
    });
  }

  it('rebuilding the runs table for CUT keeps every run and what points at them', () => {
    const db = openDatabase(file, { version: 4 });
    fixtures[4]!.seed(db);
    expect(() => db.prepare(`UPDATE runs SET model = 'cut' WHERE id = 'r_cccccccc'`).run()).toThrow(/CHECK constraint/);
    db.close();
    const store = Store.open(file);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.metrics.list('r_aaaaaaaa')).toHaveLength(1);
    expect(store.jobs.get('j_aaaaaaaa')).toMatchObject({ runId: 'r_aaaaaaaa' });
    store.db.prepare(`UPDATE runs SET model = 'cut' WHERE id = 'r_cccccccc'`).run();
    expect(store.runs.get('r_cccccccc')!.model).toBe('cut');
    expect(() => store.db.prepare(`UPDATE runs SET model = 'munit' WHERE id = 'r_cccccccc'`).run()).toThrow(/CHECK constraint/);
    // Deleting the project still cascades through the rebuilt table.
    store.projects.delete('p_aaaaaaaa');
    expect(store.metrics.list('r_aaaaaaaa')).toEqual([]);
    store.close();
  });

  it('rebuilding tables keeps checkpoint ids, so exports still point at their checkpoints', () => {
    const db = openDatabase(file, { version: 2 });
    fixtures[2]!.seed(db);
    const before = (db.prepare('SELECT id FROM checkpoints').get() as { id: number }).id;
    db.close();
    const store = Store.open(file);
    expect(store.exports.get('e_aaaaaaaa')!.checkpointId).toBe(before);
    expect(store.artifacts.checkpoint(before)).toMatchObject({ fileName: 'latest.tandem' });
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    store.close();
  });

  it('opens in WAL mode with foreign keys enforced; reopening changes nothing', () => {
    const store = Store.open(file);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO runs (id, project_id, name, model, options_json, schedule_json, backend, status, run_dir, last_epoch, created_at) VALUES ('r_x', 'p_nope', 'x', 'pix2pix', '{}', '{}', 'auto', 'queued', '/', 1, 0)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    store.close();
    const again = Store.open(file);
    expect((again.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(LATEST_VERSION);
    again.close();
  });

  it('deleting a project cascades to its index, runs and metrics', () => {
    const db = openDatabase(file);
    fixtures[LATEST_VERSION]!.seed(db);
    db.close();
    const store = Store.open(file);
    store.projects.delete('p_aaaaaaaa');
    for (const t of ['dataset_files', 'runs', 'metrics', 'samples', 'checkpoints', 'exports', 'model_exports', 'jobs']) {
      expect((store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n, t).toBe(0);
    }
    store.close();
  });

  it('refuses a database from a newer Tandem with a message that says what to do', () => {
    const db = openDatabase(file);
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(LATEST_VERSION + 1, now);
    db.close();
    expect(() => Store.open(file)).toThrow(/newer Tandem.*--data/);
  });
});
