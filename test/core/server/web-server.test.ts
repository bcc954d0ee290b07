import { request } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Core } from '../../../core/host/core';
import { startWebServer, type RunningWebServer } from '../../../core/server/web-server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket and reports the HTTP status of a refused upgrade, or 101 when it opened. */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolvePromise) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolvePromise(101);
    });
    socket.on('unexpected-response', (_req, res) => resolvePromise(res.statusCode ?? 0));
    socket.on('error', () => resolvePromise(-1));
  });
}

describe('web server', () => {
  let server: RunningWebServer;
  let own: Record<string, string>;

  beforeAll(async () => {
    const core = new Core({ mode: 'web', workspace: '/tmp/rr-test', electronVersion: null });
    server = await startWebServer({ core, rendererDir: resolve('out/renderer'), port: 0 });
    own = { Host: `127.0.0.1:${server.port}` };
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('serves the page with the token, sets an HttpOnly cookie and a strict CSP', async () => {
    const reply = await get(server.port, `/?token=${server.token}`, own);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<div id="app">');
    expect(String(reply.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves assets to the cookie alone', async () => {
    const page = await get(server.port, `/?token=${server.token}`, own);
    const cookie = String(page.headers['set-cookie']).split(';')[0] ?? '';
    const asset = page.body.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    expect((await get(server.port, `/${asset}`, { ...own, Cookie: cookie })).status).toBe(200);
    expect((await get(server.port, `/${asset}`, own)).status).toBe(401);
  });

  it('refuses requests without the token or with a wrong one (401) and sends nothing else', async () => {
    for (const path of ['/', '/index.html', '/?token=wrong', `/?token=${server.token.slice(1)}`]) {
      const reply = await get(server.port, path, own);
      expect(reply.status).toBe(401);
      expect(reply.body).toBe('401 Unauthorized\n');
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a foreign Origin or Host header (403) even with the token', async () => {
    const withToken = `/?token=${server.token}`;
    const foreignOrigin = await get(server.port, withToken, { ...own, Origin: 'http://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body).toBe('403 Forbidden\n');
    const foreignHost = await get(server.port, withToken, { Host: `rebind.example:${server.port}` });
    expect(foreignHost.status).toBe(403);
  });

  it('guards the API WebSocket the same way', async () => {
    const base = `ws://127.0.0.1:${server.port}/api`;
    const origin = { Origin: `http://127.0.0.1:${server.port}` };
    expect(await upgrade(`${base}?token=${server.token}`, origin)).toBe(101);
    expect(await upgrade(base, origin)).toBe(401);
    expect(await upgrade(`${base}?token=nope`, origin)).toBe(401);
    expect(await upgrade(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`${base}?token=${server.token}`, { ...origin, Host: 'evil.example' })).toBe(403);
    expect(await upgrade(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, origin)).toBe(404);
  });
});
