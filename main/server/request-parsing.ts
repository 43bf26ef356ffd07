// What the server reads out of a request line and its headers, parsed in one place. Input that
// does not parse is the client's mistake and answered 400; it must never surface as an exception,
// because one thrown in the 'upgrade' listener is uncaught and ends the process (and with it
// every running training), before any Host, Origin or token check has run.
import type { IncomingMessage } from 'node:http';

export class BadRequest extends Error {}

const shown = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** The request target as a URL (an absolute-form target such as `http://[/api` may not parse). */
export function requestUrl(req: Pick<IncomingMessage, 'url'>): URL {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    throw new BadRequest(`The request target ${shown(req.url ?? '')} is not a valid URL.`);
  }
}

/** A URL path (or one segment of it) with its %-escapes decoded. */
export function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequest(`The path ${shown(raw)} is not valid URL encoding.`);
  }
}

/** The decoded value of cookie `name`, or null when the request has none. */
export function cookieValue(req: Pick<IncomingMessage, 'headers'>, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      throw new BadRequest(`The ${name} cookie is not valid URL encoding.`);
    }
  }
  return null;
}
