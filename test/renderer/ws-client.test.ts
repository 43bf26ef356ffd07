// The WebSocket client against a real `ws` WebSocketServer speaking main/api/wire.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { ResponseEnvelope } from '../../main/api/wire.js';
import { requestEnvelopeSchema } from '../../main/api/wire.js';
import type { StudioEvent } from '../../main/api/events.js';
import { WsStudioClient, type SocketLike } from '../../renderer/src/lib/client/ws-client.js';
import type { ConnectionState } from '../../renderer/src/lib/client/types.js';
import { project } from './helpers/fixtures.js';

interface Server {
  wss: WebSocketServer;
  port: number;
  sockets: Set<ServerSocket>;
  received: unknown[];
  close(): Promise<void>;
}

/** A tiny studio: answers projects.list / backend.info, errors otherwise, pushes a snapshot on connect. */
async function startServer(port = 0, opts: { silentMethods?: string[] } = {}): Promise<Server> {
  const wss = new WebSocketServer({ port, host: '127.0.0.1', path: '/api' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sockets = new Set<ServerSocket>();
  const received: unknown[] = [];
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const snapshot: StudioEvent = { event: 'snapshot', data: { projects: [project()], activeRuns: [], progress: {}, jobs: [] } };
    ws.send(JSON.stringify(snapshot));
    ws.on('message', (raw) => {
      const parsed = requestEnvelopeSchema.safeParse(JSON.parse(String(raw)));
      received.push(JSON.parse(String(raw)));
      let reply: ResponseEnvelope;
      if (!parsed.success) reply = { id: null, ok: false, error: { code: 'invalid-input', message: 'bad envelope' } };
      else if (opts.silentMethods?.includes(parsed.data.method)) return;
      else if (parsed.data.method === 'projects.list') reply = { id: parsed.data.id, ok: true, result: [project()] };
      else if (parsed.data.method === 'runs.get')
        reply = { id: parsed.data.id, ok: false, error: { code: 'not-found', message: 'No run r_nothing00.' } };
      else reply = { id: parsed.data.id, ok: false, error: { code: 'unknown-method', message: `no ${parsed.data.method}` } };
      ws.send(JSON.stringify(reply));
    });
  });
  return {
    wss,
    port: (wss.address() as AddressInfo).port,
    sockets,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.terminate();
        wss.close(() => r());
      }),
  };
}

const nodeSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (cond() ? resolve() : Date.now() - t0 > ms ? reject(new Error('timed out')) : setTimeout(tick, 10));
    tick();
  });
}

describe('WsStudioClient', () => {
  it('calls methods and receives results and error envelopes', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    const client = new WsStudioClient(`ws://127.0.0.1:${server.port}/api`, { createSocket: nodeSocket });
    cleanups.push(() => client.close());

    const list = await client.api['projects.list']({});
    expect(list).toEqual({ ok: true, result: [project()] });
    const missing = await client.call('runs.get', { runId: 'r_nothing00' });
    expect(missing).toEqual({ ok: false, error: { code: 'not-found', message: 'No run r_nothing00.' } });
    const probe = await client.callUnknown('fs.listFolders', {});
    expect(probe.ok === false && probe.error.code).toBe('unknown-method');
    // the frames are the wire format: { id, method, params }
    for (const m of server.received) expect(requestEnvelopeSchema.safeParse(m).success).toBe(true);
    expect(server.received[0]).toMatchObject({ method: 'projects.list', params: {} });
  });

  it('delivers the snapshot and pushed events to subscribers, in order', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    const client = new WsStudioClient(`ws://127.0.0.1:${server.port}/api`, { createSocket: nodeSocket });
    cleanups.push(() => client.close());
    const events: StudioEvent[] = [];
    client.subscribe((e) => events.push(e));
    await waitFor(() => events.length === 1);
    for (const s of server.sockets) {
      s.send(
        JSON.stringify({
          event: 'run.progress',
          data: {
            runId: 'r_aaaaaa',
            progress: {
              epoch: 1,
              lastEpoch: 2,
              epochIter: 1,
              epochSize: 2,
              totalIters: 1,
              secondsPerIter: 1,
              speedBasis: 'measured',
              etaSeconds: 3,
            },
          },
        }),
      );
      s.send(JSON.stringify({ event: 'not.an.event', data: {} }));
      s.send('not json');
      s.send(JSON.stringify({ event: 'project.deleted', data: { projectId: 'p_abcdef12' } }));
    }
    await waitFor(() => events.length === 3);
    expect(events.map((e) => e.event)).toEqual(['snapshot', 'run.progress', 'project.deleted']);
  });

  it('queues calls made before the socket opens', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    const client = new WsStudioClient(`ws://127.0.0.1:${server.port}/api`, { createSocket: nodeSocket });
    cleanups.push(() => client.close());
    expect(client.connection.kind).toBe('connecting');
    const results = await Promise.all([client.call('projects.list', {}), client.call('projects.list', {})]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('fails calls in flight when the connection drops, reconnects, and gets a fresh snapshot', async () => {
    const server = await startServer(0, { silentMethods: ['backend.info'] });
    const port = server.port;
    const client = new WsStudioClient(`ws://127.0.0.1:${port}/api`, {
      createSocket: nodeSocket,
      reconnectInitialMs: 50,
      reconnectMaxMs: 200,
    });
    cleanups.push(() => client.close());
    const states: ConnectionState['kind'][] = [];
    client.onConnection((s) => states.push(s.kind));
    const events: StudioEvent[] = [];
    client.subscribe((e) => events.push(e));
    await waitFor(() => events.length === 1);

    const hanging = client.call('backend.info', {});
    await waitFor(() => server.received.length === 1);
    await server.close();
    const r = await hanging;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('unavailable');
    await waitFor(() => client.connection.kind === 'closed');

    // A call while disconnected waits for the reconnection.
    const pending = client.call('projects.list', {});
    const again = await startServer(port);
    cleanups.push(() => again.close());
    expect((await pending).ok).toBe(true);
    await waitFor(() => events.filter((e) => e.event === 'snapshot').length === 2);
    expect(states).toContain('closed');
    expect(states.at(-1)).toBe('open');
  });

  it('times out a call the studio never answers', async () => {
    const server = await startServer(0, { silentMethods: ['backend.info'] });
    cleanups.push(() => server.close());
    const client = new WsStudioClient(`ws://127.0.0.1:${server.port}/api`, { createSocket: nodeSocket, requestTimeoutMs: 150 });
    cleanups.push(() => client.close());
    const r = await client.call('backend.info', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('keeps retrying with backoff while no studio is listening, and reports why', async () => {
    const server = await startServer();
    const port = server.port;
    await server.close();
    const client = new WsStudioClient(`ws://127.0.0.1:${port}/api`, {
      createSocket: nodeSocket,
      reconnectInitialMs: 20,
      reconnectMaxMs: 80,
    });
    cleanups.push(() => client.close());
    const delays: number[] = [];
    client.onConnection((s) => s.kind === 'closed' && s.retryInMs !== null && delays.push(s.retryInMs));
    await waitFor(() => delays.length >= 4);
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 80]);
    client.close();
    expect(client.connection).toMatchObject({ kind: 'closed', retryInMs: null });
    expect((await client.call('projects.list', {})).ok).toBe(false);
  });
});
