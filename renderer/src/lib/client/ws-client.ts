// StudioClient over the `tandem serve` WebSocket (main/api/wire.ts): JSON text frames,
// { id, method, params } → { id, ok, result | error }, and pushed { event, data }.
// Reconnects with exponential backoff; calls made while disconnected wait for the connection
// (up to requestTimeoutMs) and calls in flight when it drops fail with 'unavailable'.
import type { ApiError, ApiResult } from '$api/errors.js';
import { EVENT_NAMES, type StudioEvent } from '$api/events.js';
import { METHOD_NAMES, type MethodInput, type MethodName, type MethodOutput, type StudioApi } from '$api/methods.js';
import type { ConnectionState, StudioClient } from './types.js';

/** The part of the browser WebSocket this client uses (the `ws` package matches it too). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WsClientOptions {
  /** Defaults to the global WebSocket. Tests pass the `ws` package. */
  createSocket?: SocketFactory;
  requestTimeoutMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
}

const OPEN = 1;
const eventNames = new Set<string>(EVENT_NAMES);

interface Pending {
  resolve: (r: ApiResult<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

function failure(code: ApiError['code'], message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message } };
}

export class WsStudioClient implements StudioClient {
  readonly transport = 'ws' as const;
  readonly shell = null;
  readonly api: StudioApi;
  connection: ConnectionState = { kind: 'connecting', attempt: 0 };

  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests waiting for the socket to open. */
  private queue: Array<{ frame: () => string; id: number }> = [];
  private readonly listeners = new Set<(e: StudioEvent) => void>();
  private readonly connectionListeners = new Set<(s: ConnectionState) => void>();
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly createSocket: SocketFactory;
  private readonly requestTimeoutMs: number;
  private readonly reconnectInitialMs: number;
  private readonly reconnectMaxMs: number;

  constructor(
    readonly url: string,
    options: WsClientOptions = {},
  ) {
    this.createSocket =
      options.createSocket ??
      ((u) => {
        const WS = (globalThis as { WebSocket?: new (u: string) => SocketLike }).WebSocket;
        if (!WS) throw new Error('this environment has no WebSocket');
        return new WS(u);
      });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.reconnectInitialMs = options.reconnectInitialMs ?? 500;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 10_000;
    const api: Record<string, (params: unknown) => Promise<ApiResult<unknown>>> = {};
    for (const m of METHOD_NAMES) api[m] = (params) => this.callUnknown(m, params);
    this.api = api as unknown as StudioApi;
    this.connect();
  }

  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>> {
    return this.callUnknown(method, params) as Promise<ApiResult<MethodOutput<M>>>;
  }

  callUnknown(method: string, params: unknown): Promise<ApiResult<unknown>> {
    if (this.closed) return Promise.resolve(failure('unavailable', 'The studio connection is closed.'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.queue = this.queue.filter((q) => q.id !== id);
        resolve(
          failure(
            'unavailable',
            `The studio did not answer ${method} within ${Math.round(this.requestTimeoutMs / 1000)} s. Is it still running?`,
          ),
        );
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, timer });
      const frame = () => JSON.stringify(params === undefined ? { id, method } : { id, method, params });
      if (this.socket && this.socket.readyState === OPEN) this.socket.send(frame());
      else this.queue.push({ id, frame });
    });
  }

  subscribe(listener: (e: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.connection);
    return () => this.connectionListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'client closed');
    this.socket = null;
    this.failPending('The studio connection is closed.');
    this.setConnection({ kind: 'closed', reason: 'closed', retryInMs: null });
  }

  private setConnection(s: ConnectionState): void {
    this.connection = s;
    for (const l of this.connectionListeners) l(s);
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve(failure('unavailable', message));
      this.pending.delete(id);
    }
    this.queue = [];
  }

  private connect(): void {
    if (this.closed) return;
    this.setConnection({ kind: 'connecting', attempt: this.attempt });
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch (e) {
      this.scheduleReconnect(e instanceof Error ? e.message : String(e));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setConnection({ kind: 'open' });
      const queued = this.queue;
      this.queue = [];
      for (const q of queued) if (this.pending.has(q.id)) socket.send(q.frame());
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      this.handleMessage(ev.data);
    };
    socket.onerror = () => {
      /* onclose follows and carries the reason */
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Requests already sent may or may not have run: say so rather than resend them.
      for (const [id, p] of this.pending) {
        if (this.queue.some((q) => q.id === id)) continue;
        clearTimeout(p.timer);
        p.resolve(failure('unavailable', 'The connection to the studio dropped before it answered; try again.'));
        this.pending.delete(id);
      }
      const reason =
        ev.code === 4401 || ev.code === 1008 ? `refused: ${ev.reason || 'unauthorized'}` : ev.reason || `connection lost (code ${ev.code})`;
      this.scheduleReconnect(reason);
    };
  }

  private scheduleReconnect(reason: string): void {
    if (this.closed) return;
    const delay = Math.min(this.reconnectMaxMs, this.reconnectInitialMs * 2 ** this.attempt);
    this.attempt++;
    this.setConnection({ kind: 'closed', reason, retryInMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** Reconnect now (a "retry" button) instead of waiting for the backoff. */
  retryNow(): void {
    if (this.closed || this.socket) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.attempt = 0;
    this.connect();
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') data = String(data);
    let msg: unknown;
    try {
      msg = JSON.parse(data as string);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as Record<string, unknown>;
    if (typeof m.event === 'string') {
      if (!eventNames.has(m.event)) return;
      const e = { event: m.event, data: m.data } as StudioEvent;
      for (const l of [...this.listeners]) {
        try {
          l(e);
        } catch (err) {
          console.error('event listener failed', err);
        }
      }
      return;
    }
    if ('id' in m && typeof m.ok === 'boolean') {
      const id = typeof m.id === 'number' ? m.id : Number(m.id);
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve(
        m.ok
          ? { ok: true, result: m.result }
          : { ok: false, error: (m.error as ApiError) ?? { code: 'internal', message: 'malformed error' } },
      );
    }
  }
}
