// The studio client (main/api/client.ts) over the WebSocket, for Node (tests, scripts, a remote
// CLI). The renderer has its own browser client; both speak main/api/wire.ts. Unlike the
// renderer's, it does not reconnect, and it keeps every event and stray reply for inspection.
import WebSocket from 'ws';
import type { ConnectionState, StudioClient } from '../api/client.js';
import type { ApiResult } from '../api/errors.js';
import type { StudioEvent } from '../api/events.js';
import { METHOD_NAMES, type MethodInput, type MethodName, type MethodOutput, type StudioApi } from '../api/methods.js';
import type { ResponseEnvelope } from '../api/wire.js';

export class NodeStudioClient implements StudioClient {
  readonly transport = 'ws' as const;
  readonly shell = null;
  readonly api: StudioApi;
  private nextId = 1;
  private readonly waiting = new Map<string | number, (r: ResponseEnvelope) => void>();
  private readonly listeners = new Set<(e: StudioEvent) => void>();
  /** Every event received, in order (handy in tests). */
  readonly events: StudioEvent[] = [];
  /** Replies whose id matched no request (e.g. errors about unparseable frames: id null). */
  readonly orphanReplies: ResponseEnvelope[] = [];

  private constructor(readonly socket: WebSocket) {
    const api: Record<string, (params: unknown) => Promise<ApiResult<unknown>>> = {};
    for (const name of METHOD_NAMES) api[name] = (params) => this.callUnknown(name, params);
    this.api = api as unknown as StudioApi;
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ResponseEnvelope | StudioEvent;
      if ('event' in msg) {
        this.events.push(msg);
        for (const l of this.listeners) l(msg);
        return;
      }
      const resolve = msg.id === null ? undefined : this.waiting.get(msg.id);
      if (resolve) {
        this.waiting.delete(msg.id!);
        resolve(msg);
      } else this.orphanReplies.push(msg);
    });
  }

  /** `url`: ws://host:port/api (with ?token=… when the server needs one). */
  static connect(url: string, headers: Record<string, string> = {}): Promise<NodeStudioClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new NodeStudioClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  async call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>> {
    return (await this.callUnknown(method, params)) as ApiResult<MethodOutput<M>>;
  }

  async callUnknown(method: string, params: unknown): Promise<ApiResult<unknown>> {
    return (await this.raw({ id: this.nextId++, method, params })) as ApiResult<unknown>;
  }

  get connection(): ConnectionState {
    if (this.socket.readyState === WebSocket.OPEN) return { kind: 'open' };
    return { kind: 'closed', reason: 'the socket is closed', retryInMs: null };
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    listener(this.connection);
    return () => {};
  }

  /** Sends any JSON value (tests of malformed requests); resolves with the reply to its id. */
  raw(message: unknown, id?: string | number): Promise<ResponseEnvelope> {
    const key = id ?? (message as { id?: string | number }).id ?? null;
    return new Promise((resolve) => {
      if (key !== null) this.waiting.set(key, resolve);
      this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    });
  }

  subscribe(listener: (e: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event (already received or future) that matches. */
  waitForEvent(match: (e: StudioEvent) => boolean, timeoutMs = 5000): Promise<StudioEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.subscribe((e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
