// How a record meets its table, written once: a field is stored in the column of its name in
// snake_case (folderA ↔ folder_a), a JSON field as text in <column>_json. On top of that, the
// queries the record tables share: insert, get by id, and an UPDATE of just the fields given;
// and for the work a project holds (runs, exports, model exports) listing by project or status.
import type { Db } from './database.js';

/** Every field of the record, and how its column holds it. */
export type Columns<R> = { readonly [K in keyof R]-?: 'value' | 'json' };

type Row = Record<string, unknown>;

const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Turns rows into records and records (whole or in part) into named SQL parameters. */
export class RowCodec<R> {
  private readonly fields: ReadonlyArray<{ field: string; column: string; json: boolean }>;
  private readonly byField: ReadonlyMap<string, { column: string; json: boolean }>;

  constructor(columns: Columns<R>) {
    this.fields = Object.entries<'value' | 'json'>(columns).map(([field, how]) => ({
      field,
      column: how === 'json' ? `${snakeCase(field)}_json` : snakeCase(field),
      json: how === 'json',
    }));
    this.byField = new Map(this.fields.map((f) => [f.field, f]));
  }

  fromRow(row: Row): R {
    const record: Row = {};
    for (const { field, column, json } of this.fields) {
      const v = row[column];
      record[field] = json && v !== null ? JSON.parse(v as string) : v;
    }
    return record as R;
  }

  /** `INSERT INTO table (…) VALUES (…)` for a whole record, with its parameters. */
  insert(table: string, record: R): { sql: string; params: Row } {
    const columns = this.fields.map((f) => f.column);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
    return { sql, params: this.params(record as Row) };
  }

  /** `col = @col` for each field given (undefined ones are left alone), with the parameters. */
  assignments(fields: Row): { sets: string[]; params: Row } {
    const given = Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== undefined && this.byField.has(k)));
    const columns = Object.keys(given).map((k) => this.byField.get(k)!.column);
    return { sets: columns.map((c) => `${c} = @${c}`), params: this.params(given) };
  }

  private params(fields: Row): Row {
    const params: Row = {};
    for (const [field, v] of Object.entries(fields)) {
      const f = this.byField.get(field);
      if (f) params[f.column] = f.json && v !== null ? JSON.stringify(v) : v;
    }
    return params;
  }
}

/** A table of records with a text id. */
export class RecordTable<R extends { id: string }, U extends Partial<R> = Partial<R>> {
  protected readonly codec: RowCodec<R>;

  constructor(
    protected readonly db: Db,
    protected readonly table: string,
    columns: Columns<R>,
  ) {
    this.codec = new RowCodec(columns);
  }

  insert(record: R): void {
    const { sql, params } = this.codec.insert(this.table, record);
    this.db.prepare(sql).run(params);
  }

  get(id: string): R | null {
    const r = this.db.prepare(`SELECT * FROM ${this.table} WHERE id = ?`).get(id) as Row | undefined;
    return r ? this.codec.fromRow(r) : null;
  }

  /** Writes the fields given (undefined ones are left alone); false when there is no such record. */
  update(id: string, fields: U): boolean {
    const { sets, params } = this.codec.assignments(fields as Row);
    if (sets.length === 0) return this.get(id) !== null;
    return this.db.prepare(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE id = @id`).run({ ...params, id }).changes === 1;
  }

  delete(id: string): boolean {
    return this.db.prepare(`DELETE FROM ${this.table} WHERE id = ?`).run(id).changes === 1;
  }

  /** Records matching an SQL condition (`?` parameters), oldest first. */
  protected where(condition: string, ...params: unknown[]): R[] {
    return (this.db.prepare(`SELECT * FROM ${this.table} WHERE ${condition} ORDER BY created_at, id`).all(...params) as Row[]).map((r) =>
      this.codec.fromRow(r),
    );
  }
}

type WorkRecord = { id: string; projectId: string; status: string };

/** Work a project holds, with a status: runs, image exports, model exports. */
export class WorkTable<R extends WorkRecord, U extends Partial<R> = Partial<R>> extends RecordTable<R, U> {
  listByProject(projectId: string): R[] {
    return this.where('project_id = ?', projectId);
  }

  listByStatus(statuses: ReadonlyArray<R['status']>): R[] {
    if (statuses.length === 0) return [];
    return this.where(`status IN (${statuses.map(() => '?').join(', ')})`, ...statuses);
  }
}
