// One project's folders under watch: keeps its index current, its status honest ('folder missing'
// while a folder is gone, back to 'ready' once it returns and is re-scanned), and tells the studio
// what changed. Index work for a project runs one step at a time so a re-scan and a burst of file
// events never interleave their writes.
import type { FolderRole } from '../api/entities.js';
import type { Store } from '../store/store.js';
import type { DatasetIndexer, IndexChange } from './dataset-indexer.js';
import { FolderWatcher, type FolderWatcherOptions } from './folder-watcher.js';

export interface ProjectWatchEvents {
  /** The index changed (counts of files added/changed/removed). */
  onIndexChanged(projectId: string, change: IndexChange): void;
  /** The project's status or status reason changed. */
  onStatusChanged(projectId: string): void;
  onError(projectId: string, e: unknown): void;
}

export class ProjectWatch {
  private readonly watchers: Array<{ role: FolderRole; watcher: FolderWatcher }> = [];
  private readonly missing = new Map<FolderRole, string>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly projectId: string,
    folders: Array<{ role: FolderRole; dir: string }>,
    private readonly store: Store,
    private readonly indexer: DatasetIndexer,
    private readonly events: ProjectWatchEvents,
    options: FolderWatcherOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    for (const { role, dir } of folders) {
      const watcher = new FolderWatcher(
        dir,
        {
          onFiles: (paths) => this.enqueue(() => this.indexer.update(this.projectId, role, dir, paths)),
          onTreeChanged: () => this.enqueue(() => this.indexer.reconcile(this.projectId, role, dir)),
          onPresent: () => {
            this.missing.delete(role);
            this.enqueue(() => this.indexer.reconcile(this.projectId, role, dir), true);
          },
          onMissing: (reason) => {
            this.missing.set(role, reason);
            this.updateStatus();
          },
          onError: (e) => this.events.onError(this.projectId, e),
        },
        options,
      );
      this.watchers.push({ role, watcher });
    }
  }

  /** Starts watching; resolves once each folder has been checked and (if present) indexed. */
  async start(): Promise<void> {
    await Promise.all(this.watchers.map((w) => w.watcher.start()));
    await this.idle();
  }

  isPresent(role: FolderRole): boolean {
    return this.watchers.find((w) => w.role === role)?.watcher.isPresent ?? false;
  }

  /** Resolves when queued index work is done (tests, and callers that need a settled index). */
  async idle(): Promise<void> {
    let q;
    do {
      q = this.queue;
      await q;
    } while (q !== this.queue);
  }

  private enqueue(work: () => Promise<IndexChange>, thenUpdateStatus = false): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        const change = await work();
        if (this.closed) return;
        if (change.added || change.changed || change.removed) this.events.onIndexChanged(this.projectId, change);
      } catch (e) {
        // The folder vanished mid-scan: the presence check reports it; anything else is logged.
        this.events.onError(this.projectId, e);
      }
      if (thenUpdateStatus) this.updateStatus();
    });
  }

  private updateStatus(): void {
    if (this.closed) return;
    const p = this.store.projects.get(this.projectId);
    if (!p) return;
    const reasons = [...this.missing.values()];
    const status = reasons.length ? 'folder missing' : this.watchers.every((w) => w.watcher.isPresent) ? 'ready' : p.status;
    const reason = reasons.length ? reasons.join('; ') : null;
    if (status !== p.status || reason !== p.statusReason) {
      this.store.projects.setStatus(this.projectId, status, reason, this.now());
      this.events.onStatusChanged(this.projectId);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.watchers.map((w) => w.watcher.close()));
    await this.queue.catch(() => {});
  }
}
