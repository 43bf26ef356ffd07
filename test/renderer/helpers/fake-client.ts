// An in-memory StudioClient for store and component tests: canned method handlers and a way to
// push events.
import type { ApiResult } from '../../../main/api/errors.js';
import type { StudioEvent } from '../../../main/api/events.js';
import type { MethodInput, MethodName, MethodOutput, StudioApi } from '../../../main/api/methods.js';
import type { ConnectionState, ShellBridge, StudioClient } from '../../../renderer/src/lib/client/types.js';

type Answer<M extends MethodName> = MethodOutput<M> | ApiResult<MethodOutput<M>>;
/** Canned answers; a promise lets a test choose when (and in which order) answers arrive. */
export type Handlers = { [M in MethodName]?: (params: MethodInput<M>) => Answer<M> | Promise<Answer<M>> };

export class FakeClient implements StudioClient {
  readonly transport = 'ws' as const;
  /** Desktop extras (native pickers); null like the browser studio unless a test sets them. */
  shell: ShellBridge | null = null;
  connection: ConnectionState;
  readonly calls: Array<{ method: string; params: unknown }> = [];
  private readonly listeners = new Set<(e: StudioEvent) => void>();
  private readonly connListeners = new Set<(s: ConnectionState) => void>();

  constructor(
    private readonly handlers: Handlers = {},
    connection: ConnectionState = { kind: 'open' },
  ) {
    this.connection = connection;
  }

  get api(): StudioApi {
    return new Proxy({}, { get: (_t, m: string) => (p: unknown) => this.callUnknown(m, p) }) as StudioApi;
  }

  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>> {
    return this.callUnknown(method, params) as Promise<ApiResult<MethodOutput<M>>>;
  }

  async callUnknown(method: string, params: unknown): Promise<ApiResult<unknown>> {
    this.calls.push({ method, params });
    const h = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[method];
    if (!h) return { ok: false, error: { code: 'unknown-method', message: `no ${method}` } };
    const out = await h(params);
    if (out && typeof out === 'object' && 'ok' in out && typeof (out as { ok: unknown }).ok === 'boolean') return out as ApiResult<unknown>;
    return { ok: true, result: out };
  }

  subscribe(listener: (e: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: StudioEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    listener(this.connection);
    return () => this.connListeners.delete(listener);
  }

  setConnection(s: ConnectionState): void {
    this.connection = s;
    for (const l of this.connListeners) l(s);
  }

  close(): void {}
}
