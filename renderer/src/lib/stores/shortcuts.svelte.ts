// Keyboard shortcuts of one character key (n, p, s, 1–6, [ ], ?) can be turned off, as WCAG 2.1.4
// asks: speech input and unsteady hands type such keys by accident. The choice is kept in the
// browser's storage (the desktop app's own profile), so it holds across sessions.

const STORAGE_KEY = 'tandem.singleKeyShortcuts';

/** localStorage where the page may use it (an opaque origin or a locked-down browser may refuse). */
function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export class ShortcutSettings {
  /** Whether shortcuts of one character key act. */
  singleKey = $state(true);

  constructor(private readonly storage: Storage | null = browserStorage()) {
    this.singleKey = this.read() !== 'off';
  }

  setSingleKey(on: boolean): void {
    this.singleKey = on;
    try {
      this.storage?.setItem(STORAGE_KEY, on ? 'on' : 'off');
    } catch {
      // Storage full or refused: the choice holds for this session.
    }
  }

  /** Whether a key press may act as a shortcut: a character key only while single-key shortcuts are on. */
  allows(e: KeyboardEvent): boolean {
    const character = e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
    return this.singleKey || !character;
  }

  private read(): string | null {
    try {
      return this.storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return null;
    }
  }
}
