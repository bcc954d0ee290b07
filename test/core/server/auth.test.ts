import { describe, expect, it } from 'vitest';
import { checkRequest, tokenCookieName } from '../../../core/server/auth';

const token = 'a'.repeat(48);
const port = 4321;
const req = (url: string, headers: Record<string, string> = {}) => ({
  url,
  headers: { host: `127.0.0.1:${port}`, ...headers },
});

describe('checkRequest', () => {
  it('accepts the token from the query, the cookie or an Authorization header', () => {
    expect(checkRequest(req(`/?token=${token}`), token, port)).toEqual({ ok: true, tokenFromQuery: true });
    expect(checkRequest(req('/', { cookie: `x=1; ${tokenCookieName(port)}=${token}` }), token, port)).toEqual({
      ok: true,
      tokenFromQuery: false,
    });
    expect(checkRequest(req('/', { authorization: `token ${token}` }), token, port).ok).toBe(true);
  });

  it('refuses a missing or wrong token with 401', () => {
    expect(checkRequest(req('/'), token, port)).toMatchObject({ ok: false, status: 401, reason: 'no token' });
    expect(checkRequest(req('/?token=abc'), token, port)).toMatchObject({ ok: false, status: 401, reason: 'wrong token' });
    expect(checkRequest(req(`/?token=${token}x`), token, port)).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses another port's cookie", () => {
    const other = req('/', { cookie: `${tokenCookieName(port + 1)}=${token}` });
    expect(checkRequest(other, token, port)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a foreign Host header with 403 even with the right token (DNS rebinding)', () => {
    const rebinding = { url: `/?token=${token}`, headers: { host: `evil.example:${port}` } };
    expect(checkRequest(rebinding, token, port)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ url: '/', headers: {} }, token, port)).toMatchObject({ ok: false, status: 403 });
    expect(checkRequest({ url: '/', headers: { host: `127.0.0.1:${port + 1}` } }, token, port)).toMatchObject({
      status: 403,
    });
  });

  it('refuses a foreign Origin with 403 even with the right token', () => {
    for (const origin of ['http://evil.example', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port + 1}`, 'null']) {
      expect(checkRequest(req(`/?token=${token}`, { origin }), token, port)).toMatchObject({ ok: false, status: 403 });
    }
    expect(checkRequest(req(`/?token=${token}`, { origin: `http://localhost:${port}` }), token, port).ok).toBe(true);
  });
});
