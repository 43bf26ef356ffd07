// The one studio client interface: what a view (or a test, or a script) talks to, whatever carries
// the calls — IPC over window.studio in the desktop app, a WebSocket under `tandem serve` (the
// renderer's clients, and main/server/client.ts for Node).
import type { ApiResult } from './errors.js';
import type { StudioEvent } from './events.js';
import type { MethodInput, MethodName, MethodOutput, StudioApi } from './methods.js';

export type ConnectionState =
  { kind: 'connecting'; attempt: number } | { kind: 'open' } | { kind: 'closed'; reason: string; retryInMs: number | null };

/** Desktop-only helpers the preload may expose next to window.studio (not part of StudioApi). */
export interface ShellBridge {
  /** A native folder picker; null when cancelled. */
  pickFolder?(options?: { title?: string; defaultPath?: string }): Promise<string | null>;
  /** A native file picker (extensions without the dot); null when cancelled. */
  pickFile?(options?: { title?: string; defaultPath?: string; extensions?: string[] }): Promise<string | null>;
  /** Reveal a file or folder in the system file manager. */
  showInFolder?(path: string): Promise<void> | void;
}

/** What the preload script exposes: the StudioApi plus an event subscription. */
export type StudioBridge = StudioApi & {
  /** Listener receives one 'snapshot' first, then deltas. Returns an unsubscribe function. */
  onEvent?(listener: (e: StudioEvent) => void): () => void;
  shell?: ShellBridge;
};

export interface StudioClient {
  readonly transport: 'ipc' | 'ws';
  readonly api: StudioApi;
  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>>;
  /** Call a method the contract may not have yet (feature probing); 'unknown-method' when absent. */
  callUnknown(method: string, params: unknown): Promise<ApiResult<unknown>>;
  /** Every pushed event, in order. After each (re)connect the first event is a 'snapshot'. */
  subscribe(listener: (e: StudioEvent) => void): () => void;
  readonly connection: ConnectionState;
  onConnection(listener: (s: ConnectionState) => void): () => void;
  readonly shell: ShellBridge | null;
  close(): void;
}
