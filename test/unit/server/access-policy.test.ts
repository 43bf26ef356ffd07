import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { accessPolicy, hasValidToken, hostAllowed, isLoopbackHost, originAllowed } from '../../../main/server/access-policy.js';
import { BadRequest } from '../../../main/server/request-parsing.js';

const req = (headers: Record<string, string>, url = '/'): IncomingMessage =>
  ({ headers, url, socket: { localPort: 4873 } }) as unknown as IncomingMessage;

describe('access policy', () => {
  it('treats 127/8, ::1 and localhost as loopback, and nothing else', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '127.255.1.1', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '127.example.com'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('requires a token off loopback or when asked, never otherwise', () => {
    expect(accessPolicy('127.0.0.1').token).toBeNull();
    expect(accessPolicy('0.0.0.0').token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(accessPolicy('192.168.1.10').token).not.toBeNull();
    expect(accessPolicy('127.0.0.1', { requireToken: true, token: 'secret' }).token).toBe('secret');
    expect(accessPolicy('0.0.0.0').token).not.toBe(accessPolicy('0.0.0.0').token);
  });

  it('accepts the token as bearer, query or cookie, and nothing else', () => {
    const p = accessPolicy('0.0.0.0', { token: 'tok' });
    expect(hasValidToken(p, req({ authorization: 'Bearer tok' }))).toBe(true);
    expect(hasValidToken(p, req({}, '/?token=tok'))).toBe(true);
    expect(hasValidToken(p, req({ cookie: 'a=b; tandem_token_4873=tok' }))).toBe(true);
    // Cookies ignore ports: another studio's cookie on this host is not this one's token.
    expect(hasValidToken(p, req({ cookie: 'tandem_token_4874=tok' }))).toBe(false);
    expect(hasValidToken(p, req({ cookie: 'tandem_token=tok' }))).toBe(false);
    expect(hasValidToken(p, req({}))).toBe(false);
    expect(hasValidToken(p, req({ authorization: 'Bearer tok2' }))).toBe(false);
    expect(hasValidToken(p, req({}, '/?token=to'))).toBe(false);
  });

  it('answers a cookie or target that does not parse with BadRequest, not a crash', () => {
    const p = accessPolicy('0.0.0.0', { token: 'tok' });
    expect(() => hasValidToken(p, req({ cookie: 'tandem_token_4873=%E0%A4%A' }))).toThrow(BadRequest);
    expect(() => hasValidToken(p, req({}, 'http://[/api'))).toThrow(BadRequest);
  });

  it('without a token, answers only requests addressed to loopback (DNS rebinding)', () => {
    const p = accessPolicy('127.0.0.1');
    expect(hostAllowed(p, req({ host: '127.0.0.1:4873' }))).toBe(true);
    expect(hostAllowed(p, req({ host: 'localhost:4873' }))).toBe(true);
    expect(hostAllowed(p, req({ host: '[::1]:4873' }))).toBe(true);
    expect(hostAllowed(p, req({ host: 'evil.example:4873' }))).toBe(false);
  });

  it('refuses browser WebSockets from other origins', () => {
    expect(originAllowed(req({ host: '127.0.0.1:4873' }))).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:4873', origin: 'http://127.0.0.1:4873' }))).toBe(true);
    expect(originAllowed(req({ host: '127.0.0.1:4873', origin: 'https://evil.example' }))).toBe(false);
  });
});
