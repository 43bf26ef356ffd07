// Opening the studio database: WAL (readers never block the writer, and a crash loses at most the
// last transaction), foreign keys on (SQLite leaves them off per connection), then migrations.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Stop at this schema version (tests of migrations); default: the latest. */
  version?: number;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only a power cut may lose the tail.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, opts.version);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
