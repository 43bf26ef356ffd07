// The studio's database, one object: open it, use its repositories, close it.
import { ArtifactsRepo } from './artifacts.js';
import { openDatabase, type Db, type OpenOptions } from './database.js';
import { DatasetIndexRepo } from './dataset-index.js';
import { ExportsRepo } from './exports.js';
import { JobsRepo } from './jobs.js';
import { ModelExportsRepo } from './model-exports.js';
import { MetricsRepo, MetricsWriter, type MetricsWriterOptions } from './metrics.js';
import { ProjectsRepo } from './projects.js';
import { RunsRepo } from './runs.js';
import { SettingsRepo } from './settings.js';

export class Store {
  readonly projects: ProjectsRepo;
  readonly datasetIndex: DatasetIndexRepo;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly metricsWriter: MetricsWriter;
  readonly artifacts: ArtifactsRepo;
  readonly exports: ExportsRepo;
  readonly modelExports: ModelExportsRepo;
  readonly jobs: JobsRepo;
  readonly settings: SettingsRepo;

  private constructor(
    readonly db: Db,
    writerOptions: MetricsWriterOptions,
  ) {
    this.projects = new ProjectsRepo(db);
    this.datasetIndex = new DatasetIndexRepo(db);
    this.runs = new RunsRepo(db);
    this.metrics = new MetricsRepo(db);
    this.metricsWriter = new MetricsWriter(this.metrics, writerOptions);
    this.artifacts = new ArtifactsRepo(db);
    this.exports = new ExportsRepo(db);
    this.modelExports = new ModelExportsRepo(db);
    this.jobs = new JobsRepo(db);
    this.settings = new SettingsRepo(db);
  }

  static open(file: string, opts: OpenOptions & { metrics?: MetricsWriterOptions } = {}): Store {
    return new Store(openDatabase(file, opts), opts.metrics ?? {});
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.metricsWriter.close();
    if (this.db.open) this.db.close();
  }
}
