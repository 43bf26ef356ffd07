// Who may talk to the studio server. On loopback only this machine can connect, so no token is
// needed; bound anywhere else, every HTTP request and WebSocket connection must carry the token
// printed at start. Independently of the token, browsers are held to two rules that stop other
// web pages from driving a local studio: the Host header must name this server (DNS rebinding),
// and a WebSocket's Origin, when present, must be this server's own (cross-site WebSocket).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { cookieValue, requestUrl } from './request-parsing.js';

/**
 * Cookies ignore ports: two studios on one host would overwrite each other's token cookie, so
 * each port has its own name. (Any other server on the same host name still receives it; the
 * token keeps out the network, not other programs on this machine.)
 */
export function tokenCookieName(port: number | undefined): string {
  return `tandem_token_${port ?? 0}`;
}

/** 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

export interface AccessPolicy {
  /** null: no token needed (loopback). */
  token: string | null;
  bindHost: string;
}

/** A token is required off loopback, or when asked for; `token` pins it (else a random one). */
export function accessPolicy(bindHost: string, opts: { requireToken?: boolean; token?: string } = {}): AccessPolicy {
  const needed = opts.requireToken === true || !isLoopbackHost(bindHost);
  return { bindHost, token: needed ? (opts.token ?? randomBytes(24).toString('base64url')) : null };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a request carries: Authorization: Bearer, ?token=, or the cookie set on first visit
 * (named for the port the request arrived on). Throws BadRequest when the target or the cookie
 * does not parse.
 */
export function requestToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const q = requestUrl(req).searchParams.get('token');
  if (q) return q;
  return cookieValue(req, tokenCookieName(req.socket.localPort));
}

export function hasValidToken(policy: AccessPolicy, req: IncomingMessage): boolean {
  if (policy.token === null) return true;
  const given = requestToken(req);
  return given !== null && sameSecret(given, policy.token);
}

/**
 * Without a token, a page on evil.example that resolves its name to 127.0.0.1 could reach us:
 * accept only Host headers naming a loopback address. With a token the token is the guard.
 */
export function hostAllowed(policy: AccessPolicy, req: IncomingMessage): boolean {
  if (policy.token !== null) return true;
  const host = req.headers.host;
  if (!host) return true; // HTTP/1.0 clients and some tools send none; they are local anyway
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return isLoopbackHost(name);
}

/** A browser WebSocket from another site must not drive the studio (cookies would ride along). */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
