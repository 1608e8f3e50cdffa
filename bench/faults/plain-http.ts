import http from 'node:http';

// One fresh connection per call (agent: false, Connection: close): a probe must not inherit the state of
// a kept-alive socket that an earlier answer (a refused request, a hub that died) left behind.

/** The status a GET answers (read from the status line; the body is discarded), or 0 when nothing answers in time. */
export function httpStatus(url: string, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', () => resolve(0));
  });
}

/**
 * POSTs JSON and returns the status and the body as received. The status is kept even when the body
 * breaks off (a response longer or shorter than its content-length); 0 when no response came.
 */
export function postJson(url: string, body: unknown, headers: Record<string, string>, timeoutMs = 30_000): Promise<{ status: number; text: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    let status = 0;
    const chunks: Buffer[] = [];
    const settle = () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: { ...headers, connection: 'close', 'content-type': 'application/json', 'content-length': String(payload.length) },
      },
      (response) => {
        status = response.statusCode ?? 0;
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', settle);
        response.once('error', settle);
      },
    );
    request.once('timeout', () => request.destroy(new Error('timed out')));
    request.once('error', settle);
    request.end(payload);
  });
}
