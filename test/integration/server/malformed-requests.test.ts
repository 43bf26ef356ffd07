// Hostile or broken requests against a real `tandem serve` (token mode, as with --host 0.0.0.0):
// each gets a 400 (or the answer its checks give), and the process stays up and keeps working.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeStudioClient } from '../../../main/server/client.js';
import { startServe, type ServeProcess } from '../../helpers/serve-process.js';

let work: string;
let serve: ServeProcess;
let port: number;
let token: string;

/** Writes `request` on a fresh connection and resolves with the status line of the answer. */
function statusLine(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      answer += d;
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0]!));
    socket.write(request);
  });
}

const upgrade = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;
const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${extra}\r\n`;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tandem-malformed-'));
  serve = startServe(path.join(work, 'data'), work, { args: ['--require_token'] });
  const url = new URL(await serve.url);
  port = Number(url.port);
  token = url.searchParams.get('token')!;
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('tandem serve under malformed requests', () => {
  it('answers each with 400 before any check, and goes on serving the studio', async () => {
    const badCookie = `Cookie: tandem_token=%E0%A4%A; tandem_token_${port}=%E0%A4%A\r\n`;
    const bearer = `Authorization: Bearer ${token}\r\n`;
    const cases: Array<[string, string, RegExp]> = [
      ['WebSocket upgrade to an unparseable URL', upgrade('http://[/api'), / 400 /],
      ['WebSocket upgrade with a cookie that is not URL encoding', upgrade('/api', badCookie), / 400 /],
      ['GET of an unparseable URL', get('http://[/'), / 400 /],
      ['GET with a cookie that is not URL encoding', get('/', badCookie), / 400 /],
      ['a renderer path that is not URL encoding', get('/%E0%A4%A', bearer), / 400 /],
      ['a project file path that is not URL encoding', get('/files/p_x/A/%E0%A4%A.png', bearer), / 400 /],
      ['an unparseable token in the query', get('/?token=%E0%A4%A'), / 401 /],
      ['a WebSocket upgrade from an origin that is not a URL', upgrade(`/api?token=${token}`, 'Origin: http://[\r\n'), / 403 /],
      ['a WebSocket upgrade without its key', upgrade(`/api?token=${token}`).replace(/Sec-WebSocket-Key: .*\r\n/, ''), / 400 /],
      ['a Host header that does not parse', get('/', 'Host: [::1\r\n').replace(`Host: 127.0.0.1:${port}\r\n`, ''), / 401 /],
      ['a request line that is not HTTP', 'NOT HTTP AT ALL\r\n\r\n', / 400 /],
    ];
    for (const [what, request, expected] of cases) {
      expect(await statusLine(request), what).toMatch(expected);
      expect(serve.child.exitCode, `tandem serve exited after: ${what}`).toBeNull();
    }

    const client = await NodeStudioClient.connect(`ws://127.0.0.1:${port}/api?token=${token}`);
    try {
      const projects = await client.call('projects.list', {});
      expect(projects.ok).toBe(true);
    } finally {
      await client.close();
    }
    expect(await statusLine(get('/', bearer))).toMatch(/ 200 /);
  });
});
