import { expect, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../../core/api/client';
import type { LogLine } from '../../../core/api/log-line';
import type { Transport } from '../../../core/api/transport';

/**
 * The cases every transport must pass the same way (STYLE.md 8: one contract, many transports). Each suite
 * provides a fresh Transport connected to a running core, and its own teardown.
 */
export function transportCases(connect: () => Promise<{ transport: Transport; close: () => Promise<void> }>): void {
  const withClient = async (body: (client: ApiClient, transport: Transport) => Promise<void>): Promise<void> => {
    const { transport, close } = await connect();
    const client = new ApiClient(transport);
    try {
      await body(client, transport);
    } finally {
      client.close();
      await close();
    }
  };

  it('answers app.info with a result the contract accepts, naming the cpu provider as available', () =>
    withClient(async (client) => {
      const info = await client.call('app.info');
      expect(info.name).toBe('RewardRanker Studio');
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(info.cpus).toBeGreaterThan(0);
      const cpu = info.executionProviders.find((p) => p.name === 'cpu');
      expect(cpu?.status).toBe('available');
    }));

  it('replays recent log lines, oldest first, with increasing sequence numbers', () =>
    withClient(async (client) => {
      await expect(client.call('app.info', { unexpected: 1 } as never)).rejects.toThrow();
      const lines = await client.call('logs.recent', { limit: 50 });
      expect(lines.length).toBeGreaterThan(0);
      const seqs = lines.map((l) => l.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    }));

  it('refuses params the schema rejects, naming the method and the field', () =>
    withClient(async (client) => {
      const error = await client.call('logs.recent', { limit: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiCallError);
      expect((error as ApiCallError).code).toBe('invalid_params');
      expect((error as ApiCallError).message).toMatch(/logs\.recent: .*at 'limit'/);
    }));

  it('refuses a method outside the contract', () =>
    withClient(async (client, transport) => {
      const outcome = await transport.invoke('fs.readFile', { path: '/etc/passwd' });
      expect(outcome).toEqual({ ok: false, error: { code: 'unknown_method', message: "unknown method 'fs.readFile'" } });
      // The refusal leaves the connection usable.
      await expect(client.call('app.info')).resolves.toMatchObject({ name: 'RewardRanker Studio' });
    }));

  it('pushes log lines as events to a subscribed client', () =>
    withClient(async (client) => {
      const received = new Promise<LogLine>((resolve) => {
        const off = client.on('log', (line) => {
          if (line.source === 'api' && line.message.includes('logs.recent')) {
            off();
            resolve(line);
          }
        });
      });
      await expect(client.call('logs.recent', { limit: -5 })).rejects.toThrow(ApiCallError);
      const line = await received;
      expect(line.level).toBe('warn');
      expect(line.message).toMatch(/refused: logs\.recent/);
    }));

  it('answers concurrent calls each with its own result', () =>
    withClient(async (client) => {
      const results = await Promise.all([
        client.call('logs.recent', { limit: 1 }),
        client.call('app.info'),
        client.call('logs.recent', { limit: 2 }),
      ]);
      expect(results[0].length).toBeLessThanOrEqual(1);
      expect(results[1].name).toBe('RewardRanker Studio');
      expect(results[2].length).toBeLessThanOrEqual(2);
    }));
}
