// `tandem serve`: the studio over HTTP + WebSocket on one port.
//   GET /            the renderer (renderer/dist), or a page saying it is not built
//   GET /files/…     project images (see main/studio/file-access.ts)
//   WS  /api         the StudioApi and its events (see main/api/wire.ts)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Studio } from '../studio/studio.js';
import { SECURITY_HEADERS } from '../security/content-security-policy.js';
import {
  accessPolicy,
  hasValidToken,
  hostAllowed,
  originAllowed,
  requestToken,
  tokenCookieName,
  type AccessPolicy,
} from './access-policy.js';
import { requestedThumb, sendError, serveProjectFile } from './file-route.js';
import { BadRequest, requestUrl } from './request-parsing.js';
import { NOT_BUILT_PAGE, sendFile, staticFileFor } from './static-files.js';
import { createWsEndpoint } from './ws-endpoint.js';

export const DEFAULT_PORT = 4873;
export const DEFAULT_HOST = '127.0.0.1';
export const API_PATH = '/api';

export interface ServeOptions {
  studio: Studio;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer; null or missing: the "not built" page. */
  uiDir?: string | null;
  /** Force a token even on loopback (tests; shared machines). */
  requireToken?: boolean;
  token?: string;
}

export interface RunningServer {
  host: string;
  port: number;
  /** Where to point a browser (with ?token=… when one is needed). */
  url: string;
  token: string | null;
  close(): Promise<void>;
}

const SECURITY_HEADER_LINES = Object.entries(SECURITY_HEADERS)
  .map(([k, v]) => `${k}: ${v}\r\n`)
  .join('');

function rejectUpgrade(socket: Duplex, status: number, text: string, reason = text): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${SECURITY_HEADER_LINES}\r\n${body}`,
  );
}

async function handleHttp(
  studio: Studio,
  policy: AccessPolicy,
  uiDir: string | null,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!hostAllowed(policy, req)) return sendError(res, 403, 'This server only answers requests addressed to localhost.');
  if (!hasValidToken(policy, req))
    return sendError(res, 401, 'This studio needs its access token: open the URL that `tandem serve` printed (it ends in ?token=…).');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, 405, 'Only GET and HEAD are served over HTTP; the API is on the WebSocket at /api.');
  }
  const url = requestUrl(req);
  const headOnly = req.method === 'HEAD';
  // A browser that arrived with ?token= keeps it in a cookie, so image URLs need not carry it.
  const cookie: Record<string, string> =
    policy.token !== null && url.searchParams.has('token')
      ? {
          'set-cookie': `${tokenCookieName(req.socket.localPort)}=${encodeURIComponent(requestToken(req) ?? '')}; HttpOnly; SameSite=Strict; Path=/`,
        }
      : {};
  if (url.pathname.startsWith('/files/'))
    return serveProjectFile(studio, url.pathname.slice('/files/'.length), res, headOnly, requestedThumb(url.searchParams));
  const file = await staticFileFor(uiDir, url.pathname);
  if (file) return sendFile(res, file, headOnly, cookie);
  if (url.pathname === '/' || url.pathname === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...cookie });
    return void res.end(headOnly ? undefined : NOT_BUILT_PAGE);
  }
  return sendError(res, 404, `Nothing at ${url.pathname}.`);
}

export async function startStudioServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const policy = accessPolicy(host, {
    ...(opts.requireToken !== undefined ? { requireToken: opts.requireToken } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  const uiDir = opts.uiDir ?? null;
  const wss = createWsEndpoint(opts.studio);
  const server: Server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    handleHttp(opts.studio, policy, uiDir, req, res).catch((e: unknown) => {
      if (e instanceof BadRequest) sendError(res, 400, e.message);
      else if (!res.headersSent) sendError(res, 500, 'Internal error.');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    // A throw here would be uncaught and end the process: every failure is answered instead.
    try {
      if (requestUrl(req).pathname !== API_PATH) return rejectUpgrade(socket, 404, 'Not Found');
      if (!hostAllowed(policy, req) || !originAllowed(req)) return rejectUpgrade(socket, 403, 'Forbidden');
      if (!hasValidToken(policy, req)) return rejectUpgrade(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (e) {
      if (e instanceof BadRequest) rejectUpgrade(socket, 400, 'Bad Request', e.message);
      else socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const base = `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? 'localhost' : shownHost}:${port}/`;
  return {
    host,
    port,
    token: policy.token,
    url: policy.token ? `${base}?token=${encodeURIComponent(policy.token)}` : base,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
