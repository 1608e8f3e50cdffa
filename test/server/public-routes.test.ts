import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../support/test-hub.ts';

/** A GET over a kept-alive connection, read as raw bytes: the body must be exactly what content-length says. */
function get(agent: http.Agent, url: string, headers: Record<string, string> = {}): Promise<{ status: number; length: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers, timeout: 5000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, length: Number(response.headers['content-length']), body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`timed out: ${url}`)));
    request.on('error', reject);
  });
}

describe('public routes and refusals over one kept-alive connection', () => {
  let hub: TestHub;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    hub = await createTestHub();
    server = http.createServer(hub.app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await hub.close();
  });

  it('gives every answer its own length (a shared headers object once carried the first one into all)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers = [
        await get(agent, `${base}/readyz`),
        await get(agent, `${base}/healthz`),
        await get(agent, `${base}/readyz`),
        await get(agent, `${base}/graphql?query=%7B__typename%7D`, { authorization: 'Bearer not-a-token', 'x-graphql-yoga-csrf': '1' }),
        await get(agent, `${base}/healthz`),
      ];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401, 200]);
      for (const answer of answers) {
        expect(Buffer.byteLength(answer.body)).toBe(answer.length);
        expect(() => JSON.parse(answer.body)).not.toThrow();
      }
      expect(JSON.parse(answers[1]!.body)).toEqual({ status: 'ok' });
    } finally {
      agent.destroy();
    }
  });
});
