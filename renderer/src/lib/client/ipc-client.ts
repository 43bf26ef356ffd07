// StudioClient over Electron IPC: window.studio (preload) already implements StudioApi.
import type { ApiResult } from '$api/errors.js';
import type { StudioEvent } from '$api/events.js';
import type { MethodInput, MethodName, MethodOutput, StudioApi } from '$api/methods.js';
import type { ConnectionState, ShellBridge, StudioBridge, StudioClient } from './types.js';

export class IpcStudioClient implements StudioClient {
  readonly transport = 'ipc' as const;
  readonly connection: ConnectionState = { kind: 'open' };
  readonly shell: ShellBridge | null;
  private readonly listeners = new Set<(e: StudioEvent) => void>();
  private unsubscribeBridge: (() => void) | null = null;

  constructor(private readonly bridge: StudioBridge) {
    this.shell = bridge.shell ?? null;
  }

  get api(): StudioApi {
    return this.bridge;
  }

  async call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>> {
    return (await this.callUnknown(method, params)) as ApiResult<MethodOutput<M>>;
  }

  async callUnknown(method: string, params: unknown): Promise<ApiResult<unknown>> {
    const fn = (this.bridge as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') return { ok: false, error: { code: 'unknown-method', message: `The studio has no method ${method}.` } };
    try {
      return (await (fn as (p: unknown) => Promise<ApiResult<unknown>>).call(this.bridge, params)) as ApiResult<unknown>;
    } catch (e) {
      // IPC rejects only when the main process is gone or the bridge is broken.
      return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
    }
  }

  subscribe(listener: (e: StudioEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.unsubscribeBridge && this.bridge.onEvent) {
      this.unsubscribeBridge = this.bridge.onEvent((e) => {
        for (const l of [...this.listeners]) l(e);
      });
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.unsubscribeBridge) {
        this.unsubscribeBridge();
        this.unsubscribeBridge = null;
      }
    };
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    listener(this.connection);
    return () => {};
  }

  close(): void {
    this.unsubscribeBridge?.();
    this.unsubscribeBridge = null;
    this.listeners.clear();
  }
}
