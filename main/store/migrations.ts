// Versioned schema changes. The database records its version in schema_version; opening a database
// applies the missing migrations in order, each in its own transaction, so a crash mid-upgrade
// leaves the previous version intact. Migrations are append-only: never edit a shipped one.
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  /**
   * The migration rebuilds tables that others reference (SQLite cannot alter a CHECK constraint in
   * place), so foreign keys are off while it runs — else dropping the old table would cascade —
   * and checked before it commits.
   */
  rebuildsTables?: boolean;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'projects, dataset index, runs, metrics, samples, checkpoints',
    up(db) {
      db.exec(`
        CREATE TABLE projects (
          id            TEXT PRIMARY KEY,
          name          TEXT NOT NULL,
          kind          TEXT NOT NULL CHECK (kind IN ('paired', 'unpaired')),
          layout        TEXT NOT NULL CHECK (layout IN ('aligned', 'paired-folders', 'unpaired')),
          folder_a      TEXT NOT NULL,
          folder_b      TEXT,
          artifact_dir  TEXT NOT NULL,
          status        TEXT NOT NULL DEFAULT 'indexing' CHECK (status IN ('indexing', 'ready', 'folder missing')),
          status_reason TEXT,
          created_at    INTEGER NOT NULL,
          updated_at    INTEGER NOT NULL
        );

        CREATE TABLE dataset_files (
          project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          role         TEXT NOT NULL CHECK (role IN ('A', 'B', 'AB')),
          rel_path     TEXT NOT NULL,
          size         INTEGER NOT NULL,
          mtime_ms     REAL NOT NULL,
          width        INTEGER,
          height       INTEGER,
          content_hash TEXT,
          status       TEXT NOT NULL CHECK (status IN ('ok', 'unreadable')),
          reason       TEXT,
          indexed_at   INTEGER NOT NULL,
          PRIMARY KEY (project_id, role, rel_path)
        ) WITHOUT ROWID;
        CREATE INDEX dataset_files_hash ON dataset_files(project_id, content_hash);

        CREATE TABLE runs (
          id              TEXT PRIMARY KEY,
          project_id      TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          name            TEXT NOT NULL,
          model           TEXT NOT NULL CHECK (model IN ('pix2pix', 'cyclegan')),
          options_json    TEXT NOT NULL,
          schedule_json   TEXT NOT NULL,
          backend         TEXT NOT NULL,
          backend_used    TEXT,
          status          TEXT NOT NULL,
          status_reason   TEXT,
          run_dir         TEXT NOT NULL,
          total_iters     INTEGER NOT NULL DEFAULT 0,
          epoch           INTEGER NOT NULL DEFAULT 1,
          last_epoch      INTEGER NOT NULL,
          last_checkpoint TEXT,
          created_at      INTEGER NOT NULL,
          started_at      INTEGER,
          ended_at        INTEGER
        );
        CREATE INDEX runs_project ON runs(project_id, created_at);

        -- Losses differ per model (pix2pix: G_GAN, G_L1, D_real, D_fake; CycleGAN: 8 others), so
        -- they are one JSON object per row rather than a column each.
        CREATE TABLE metrics (
          run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          iteration INTEGER NOT NULL,
          epoch     INTEGER NOT NULL,
          losses    TEXT NOT NULL,
          lr        REAL NOT NULL,
          seconds   REAL NOT NULL,
          PRIMARY KEY (run_id, iteration)
        ) WITHOUT ROWID;

        CREATE TABLE samples (
          run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          iteration  INTEGER NOT NULL,
          file       TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (run_id, iteration)
        ) WITHOUT ROWID;

        CREATE TABLE checkpoints (
          id          INTEGER PRIMARY KEY,
          run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          file_name   TEXT NOT NULL,
          kind        TEXT NOT NULL CHECK (kind IN ('latest', 'epoch')),
          epoch       INTEGER NOT NULL,
          epoch_iter  INTEGER NOT NULL,
          total_iters INTEGER NOT NULL,
          reason      TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          UNIQUE (run_id, file_name)
        );
      `);
    },
  },
  {
    version: 2,
    description: 'exports, jobs, settings',
    up(db) {
      db.exec(`
        CREATE TABLE exports (
          id            TEXT PRIMARY KEY,
          project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
          input_dir     TEXT NOT NULL,
          output_dir    TEXT NOT NULL,
          format        TEXT NOT NULL,
          tile          INTEGER NOT NULL,
          direction     TEXT NOT NULL,
          status        TEXT NOT NULL,
          status_reason TEXT,
          done          INTEGER NOT NULL DEFAULT 0,
          total         INTEGER,
          failed        INTEGER NOT NULL DEFAULT 0,
          created_at    INTEGER NOT NULL,
          ended_at      INTEGER
        );
        CREATE INDEX exports_project ON exports(project_id, created_at);

        -- One row per child process the studio asked for; a run that is resumed has several.
        CREATE TABLE jobs (
          id         TEXT PRIMARY KEY,
          kind       TEXT NOT NULL CHECK (kind IN ('train', 'export')),
          run_id     TEXT REFERENCES runs(id) ON DELETE CASCADE,
          export_id  TEXT REFERENCES exports(id) ON DELETE CASCADE,
          state      TEXT NOT NULL,
          reason     TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX jobs_state ON jobs(state);

        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    description: 'imported models, model exports, job kinds for both',
    rebuildsTables: true,
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT 'trained' CHECK (origin IN ('trained', 'imported'));
        ALTER TABLE runs ADD COLUMN imported_json TEXT;

        CREATE TABLE checkpoints_v3 (
          id          INTEGER PRIMARY KEY,
          run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          file_name   TEXT NOT NULL,
          kind        TEXT NOT NULL CHECK (kind IN ('latest', 'epoch', 'imported')),
          epoch       INTEGER NOT NULL,
          epoch_iter  INTEGER NOT NULL,
          total_iters INTEGER NOT NULL,
          reason      TEXT NOT NULL,
          created_at  INTEGER NOT NULL,
          UNIQUE (run_id, file_name)
        );
        INSERT INTO checkpoints_v3 (id, run_id, file_name, kind, epoch, epoch_iter, total_iters, reason, created_at)
          SELECT id, run_id, file_name, kind, epoch, epoch_iter, total_iters, reason, created_at FROM checkpoints;
        DROP TABLE checkpoints;
        ALTER TABLE checkpoints_v3 RENAME TO checkpoints;

        CREATE TABLE model_exports (
          id            TEXT PRIMARY KEY,
          project_id    TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
          format        TEXT NOT NULL CHECK (format IN ('onnx', 'tfjs')),
          direction     TEXT NOT NULL CHECK (direction IN ('AtoB', 'BtoA')),
          output_path   TEXT NOT NULL,
          status        TEXT NOT NULL,
          status_reason TEXT,
          files_json    TEXT NOT NULL DEFAULT '[]',
          created_at    INTEGER NOT NULL,
          ended_at      INTEGER
        );
        CREATE INDEX model_exports_project ON model_exports(project_id, created_at);

        CREATE TABLE jobs_v3 (
          id              TEXT PRIMARY KEY,
          kind            TEXT NOT NULL CHECK (kind IN ('train', 'export', 'import', 'model-export')),
          run_id          TEXT REFERENCES runs(id) ON DELETE CASCADE,
          export_id       TEXT REFERENCES exports(id) ON DELETE CASCADE,
          model_export_id TEXT REFERENCES model_exports(id) ON DELETE CASCADE,
          state           TEXT NOT NULL,
          reason          TEXT,
          created_at      INTEGER NOT NULL,
          updated_at      INTEGER NOT NULL
        );
        INSERT INTO jobs_v3 (id, kind, run_id, export_id, state, reason, created_at, updated_at)
          SELECT id, kind, run_id, export_id, state, reason, created_at, updated_at FROM jobs;
        DROP TABLE jobs;
        ALTER TABLE jobs_v3 RENAME TO jobs;
        CREATE INDEX jobs_state ON jobs(state);
      `);
    },
  },
  {
    version: 4,
    description: 'where a fine-tuned run started from',
    up(db) {
      db.exec(`ALTER TABLE runs ADD COLUMN started_from_json TEXT;`);
    },
  },
  {
    version: 5,
    description: 'runs of the CUT model',
    rebuildsTables: true,
    up(db) {
      db.exec(`
        CREATE TABLE runs_v5 (
          id                TEXT PRIMARY KEY,
          project_id        TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
          name              TEXT NOT NULL,
          model             TEXT NOT NULL CHECK (model IN ('pix2pix', 'cyclegan', 'cut')),
          options_json      TEXT NOT NULL,
          schedule_json     TEXT NOT NULL,
          backend           TEXT NOT NULL,
          backend_used      TEXT,
          status            TEXT NOT NULL,
          status_reason     TEXT,
          run_dir           TEXT NOT NULL,
          total_iters       INTEGER NOT NULL DEFAULT 0,
          epoch             INTEGER NOT NULL DEFAULT 1,
          last_epoch        INTEGER NOT NULL,
          last_checkpoint   TEXT,
          created_at        INTEGER NOT NULL,
          started_at        INTEGER,
          ended_at          INTEGER,
          origin            TEXT NOT NULL DEFAULT 'trained' CHECK (origin IN ('trained', 'imported')),
          imported_json     TEXT,
          started_from_json TEXT
        );
        INSERT INTO runs_v5 (id, project_id, name, model, options_json, schedule_json, backend, backend_used, status, status_reason,
                             run_dir, total_iters, epoch, last_epoch, last_checkpoint, created_at, started_at, ended_at, origin,
                             imported_json, started_from_json)
          SELECT id, project_id, name, model, options_json, schedule_json, backend, backend_used, status, status_reason,
                 run_dir, total_iters, epoch, last_epoch, last_checkpoint, created_at, started_at, ended_at, origin,
                 imported_json, started_from_json FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v5 RENAME TO runs;
        CREATE INDEX runs_project ON runs(project_id, created_at);
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/** Brings the database to `target` (default: the latest). Refuses a database newer than this build. */
export function migrate(db: Database, target: number = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(
      `The studio database is from a newer Tandem (schema version ${current}; this version knows up to ${LATEST_VERSION}). Update Tandem, or point it at another data folder with --data.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    // The pragma is a no-op inside a transaction, so it is switched around it.
    const enforced = m.rebuildsTables && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
    if (enforced) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        m.up(db);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length)
            throw new Error(
              `migration ${m.version} would break ${broken.length} references; the database is left at version ${m.version - 1}`,
            );
        }
        db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      })();
    } finally {
      if (enforced) db.pragma('foreign_keys = ON');
    }
  }
  return schemaVersion(db);
}
