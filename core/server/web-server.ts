import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { securityHeaders } from '../api/security-policy';
import type { Transport } from '../api/transport';
import { CallMessageSchema, type ServerMessage } from '../api/wire';
import { checkRequest, createToken, tokenCookieName } from './auth';

export interface WebServerOptions {
  core: Transport;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  log?: (message: string) => void;
}

export interface RunningWebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const API_PATH = '/api';
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Web mode: the renderer and the API over WebSocket on 127.0.0.1 only, every request guarded by the token. */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const token = options.token ?? createToken();
  const log = options.log ?? (() => {});
  const assets = sirv(options.rendererDir, { dev: false, etag: true, dotfiles: false, single: false });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  const server: Server = createServer((req, res) => {
    const verdict = checkRequest(req, token, port);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason, log);
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    if (verdict.tokenFromQuery) {
      res.setHeader('Set-Cookie', `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    }
    res.setHeader('Cache-Control', 'no-store');
    assets(req, res, () => refuse(res, 404, 'not found', log));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkRequest(req, token, port);
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (!verdict.ok || path !== API_PATH) {
      const status = verdict.ok ? 404 : verdict.status;
      log(`refused WebSocket ${path}: ${verdict.ok ? 'not found' : verdict.reason}`);
      socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.core));
  });

  const unsubscribe = options.core.subscribe((event) => {
    const frame = JSON.stringify(event);
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(frame);
  });

  port = await listen(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveSocket(ws: WebSocket, core: Transport): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return;
    }
    const call = CallMessageSchema.safeParse(json);
    if (!call.success) return;
    const { id, method, params } = call.data;
    void core.invoke(method, params).then((outcome) => {
      const reply: ServerMessage = { kind: 'result', id, ...outcome };
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
    });
  });
}

function refuse(res: ServerResponse, status: number, reason: string, log: (message: string) => void): void {
  if (status !== 404) log(`refused HTTP request: ${reason}`);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${status} ${statusText(status)}\n`);
}

function statusText(status: number): string {
  return status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
