// Watches one data folder. chokidar reports files added, changed and removed; a poll of the folder
// itself notices when it disappears (deleted, renamed, unmounted) and when it comes back, because
// a watcher whose root is gone reports nothing further (and on Linux a renamed root keeps being
// watched under its new name).
import { watch, type FSWatcher } from 'chokidar';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';

export interface FolderWatcherHandlers {
  /** Files added, changed or removed (absolute paths), batched over `debounceMs`. */
  onFiles(paths: string[]): void;
  /** A subfolder appeared or vanished: re-scan the whole folder. */
  onTreeChanged(): void;
  onMissing(reason: string): void;
  /** The folder is back (or was there at start): re-scan it. */
  onPresent(): void;
  onError?(e: unknown): void;
}

export interface FolderWatcherOptions {
  /** How often the folder's existence is checked. */
  presenceIntervalMs?: number;
  debounceMs?: number;
  /** Wait for a file's size to settle this long before reporting it (copies in progress). */
  writeSettleMs?: number;
}

function skipped(path: string): boolean {
  const name = basename(path);
  return name.startsWith('.') || name.endsWith('.tmp') || name.endsWith('.partial');
}

export class FolderWatcher {
  private watcher: FSWatcher | null = null;
  private present: boolean | null = null;
  private poll: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private readonly pending = new Set<string>();
  private treeChanged = false;
  private closed = false;
  private checking = false;
  private readonly opts: Required<FolderWatcherOptions>;

  constructor(
    readonly dir: string,
    private readonly handlers: FolderWatcherHandlers,
    opts: FolderWatcherOptions = {},
  ) {
    this.opts = {
      presenceIntervalMs: opts.presenceIntervalMs ?? 1000,
      debounceMs: opts.debounceMs ?? 100,
      writeSettleMs: opts.writeSettleMs ?? 200,
    };
  }

  /** Checks presence once (reporting onPresent or onMissing), then keeps watching. */
  async start(): Promise<void> {
    await this.checkPresence();
    if (this.closed) return;
    this.poll = setInterval(() => void this.checkPresence(), this.opts.presenceIntervalMs);
    this.poll.unref();
  }

  get isPresent(): boolean {
    return this.present === true;
  }

  /** Checks now (rather than at the next poll): used before trusting a burst of removals. */
  async checkPresence(): Promise<boolean> {
    if (this.closed || this.checking) return this.present === true;
    this.checking = true;
    try {
      const info = await stat(this.dir).catch((e: NodeJS.ErrnoException) => e);
      const isDir = !(info instanceof Error) && info.isDirectory();
      if (this.closed) return isDir;
      if (isDir && this.present !== true) {
        this.present = true;
        await this.startWatcher();
        this.handlers.onPresent();
      } else if (!isDir && this.present !== false) {
        this.present = false;
        await this.stopWatcher();
        this.pending.clear();
        const reason =
          info instanceof Error
            ? info.code === 'ENOENT'
              ? `${this.dir} is gone (deleted, renamed or unmounted); put it back or move it to where it was`
              : `${this.dir} cannot be opened: ${info.message}`
            : `${this.dir} is no longer a folder`;
        this.handlers.onMissing(reason);
      }
      return isDir;
    } finally {
      this.checking = false;
    }
  }

  private async startWatcher(): Promise<void> {
    await this.stopWatcher();
    const w = watch(this.dir, {
      ignoreInitial: true,
      // A file being copied in fires 'add' at 0 bytes; report it once its size has settled.
      awaitWriteFinish: { stabilityThreshold: this.opts.writeSettleMs, pollInterval: 50 },
      ignored: (p: string) => p !== this.dir && skipped(p),
      followSymlinks: true,
    });
    w.on('add', (p) => this.queue(p));
    w.on('change', (p) => this.queue(p));
    w.on('unlink', (p) => this.queue(p));
    w.on('addDir', (p) => p !== this.dir && this.queueTree());
    w.on('unlinkDir', (p) => (p === this.dir ? void this.checkPresence() : this.queueTree()));
    // chokidar emits 'error' for permission problems and vanished roots; without a listener an
    // EventEmitter 'error' would crash the process.
    w.on('error', (e) => {
      this.handlers.onError?.(e);
      void this.checkPresence();
    });
    this.watcher = w;
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
  }

  private async stopWatcher(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    if (w) await w.close().catch(() => {});
  }

  private queue(path: string): void {
    this.pending.add(path);
    this.schedule();
  }

  private queueTree(): void {
    this.treeChanged = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.deliver(), this.opts.debounceMs);
  }

  private async deliver(): Promise<void> {
    this.debounce = null;
    // A folder being deleted produces a burst of unlinks first: make sure it is still there before
    // treating them as removals (else a renamed folder would empty the index).
    if (!(await this.checkPresence())) return;
    const paths = [...this.pending];
    const tree = this.treeChanged;
    this.pending.clear();
    this.treeChanged = false;
    if (tree) this.handlers.onTreeChanged();
    else if (paths.length) this.handlers.onFiles(paths);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    await this.stopWatcher();
  }
}
