import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export function createToken(): string {
  return randomBytes(24).toString('hex');
}

/** Cookies are shared across ports of one host, so the name carries the port: two servers never mix tokens. */
export function tokenCookieName(port: number): string {
  return `rewardranker_token_${port}`;
}

export type AuthVerdict =
  | { ok: true; tokenFromQuery: boolean }
  | { ok: false; status: 401 | 403; reason: string };

interface RequestLike {
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

/**
 * The Jupyter model on loopback: a Host header naming this server (DNS rebinding), an Origin, when sent, of this
 * server (cross-site pages and WebSockets), and the token from the URL, the cookie or an Authorization header.
 */
export function checkRequest(req: RequestLike, token: string, port: number): AuthVerdict {
  const hosts = allowedHosts(port);
  const host = req.headers.host?.toLowerCase();
  if (!host || !hosts.has(host)) return { ok: false, status: 403, reason: 'foreign Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, hosts)) return { ok: false, status: 403, reason: 'foreign Origin' };

  const url = new URL(req.url ?? '/', 'http://placeholder');
  const fromQuery = url.searchParams.get('token');
  const candidates: Array<[string | null | undefined, boolean]> = [
    [fromQuery, true],
    [readCookie(req.headers.cookie, tokenCookieName(port)), false],
    [readAuthorization(req.headers.authorization), false],
  ];
  for (const [candidate, isQuery] of candidates) {
    if (candidate && sameSecret(candidate, token)) return { ok: true, tokenFromQuery: isQuery };
  }
  const sent = candidates.some(([candidate]) => Boolean(candidate));
  return { ok: false, status: 401, reason: sent ? 'wrong token' : 'no token' };
}

function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

function isOwnOrigin(origin: string, hosts: Set<string>): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && hosts.has(url.host.toLowerCase());
  } catch {
    return false;
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function readAuthorization(header: string | undefined): string | null {
  const match = header?.match(/^(?:token|bearer)\s+(\S+)$/i);
  return match?.[1] ?? null;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
