import type { ChildExit, ChildHandle, ChildLauncher } from '../../../main/jobs/launcher.js';

/** A scripted child: the test plays the child's side of the protocol, no process involved. */
export class FakeChild implements ChildHandle {
  static nextPid = 1000;
  readonly pid = FakeChild.nextPid++;
  /** What the supervisor sent, in order. */
  readonly received: unknown[] = [];
  readonly kills: NodeJS.Signals[] = [];
  exited: ChildExit | null = null;
  private readonly listeners = {
    message: new Set<(m: unknown) => void>(),
    exit: new Set<(e: ChildExit) => void>(),
    output: new Set<(s: 'stdout' | 'stderr', l: string) => void>(),
  };

  constructor(
    readonly entry: string,
    /** Called on every kill; by default the fake dies of it at once. */
    private readonly onKill: (child: FakeChild, signal: NodeJS.Signals) => void = (c, s) => c.exit({ code: null, signal: s }),
  ) {}

  send(message: unknown): boolean {
    if (this.exited) return false;
    this.received.push(message);
    return true;
  }

  on(event: 'message' | 'exit' | 'output', listener: (...a: never[]) => void): void {
    (this.listeners[event] as Set<unknown>).add(listener);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.kills.push(signal);
    if (!this.exited) this.onKill(this, signal);
  }

  /** The child posts a message (anything: the supervisor must validate it). */
  post(message: unknown): void {
    for (const l of this.listeners.message) l(message);
  }

  writeStderr(line: string): void {
    for (const l of this.listeners.output) l('stderr', line);
  }

  exit(exit: ChildExit): void {
    if (this.exited) return;
    this.exited = exit;
    for (const l of this.listeners.exit) l(exit);
  }

  /** The types of the messages the supervisor sent. */
  get receivedTypes(): string[] {
    return this.received.map((m) => (m as { type: string }).type);
  }
}

export class FakeLauncher implements ChildLauncher {
  readonly children: FakeChild[] = [];
  onKill: ((child: FakeChild, signal: NodeJS.Signals) => void) | undefined;

  start(entry: string): ChildHandle {
    const child = new FakeChild(entry, this.onKill);
    this.children.push(child);
    return child;
  }

  get last(): FakeChild {
    const c = this.children.at(-1);
    if (!c) throw new Error('no child started');
    return c;
  }
}
