import http from 'node:http';
import https from 'node:https';
import type { DocumentKind } from '../documents/document-kinds.ts';

export interface BulkRowResult {
  line: number;
  status: 'accepted' | 'rejected' | 'conflict';
  ticket?: string | null;
  replayed?: boolean;
  errors?: { path: string; code: string; message: string }[];
}

export interface BulkSummary {
  lines: number;
  accepted: number;
  rejected: number;
  conflicts: number;
}

export class BulkUploadError extends Error {
  override readonly name = 'BulkUploadError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Streams NDJSON document lines to `POST <hubUrl>/bulk/<kind>` and reads the per-row answer at the same
 * time (full duplex: the hub answers each chunk as it commits, and stops reading while its answer is not
 * read). Node's http client is used rather than fetch, whose request streaming is half duplex. Memory stays
 * flat: lines are written with backpressure and results handed to `onResult` as they arrive.
 */
export async function uploadBulk(options: {
  hubUrl: string;
  token: string;
  kind: DocumentKind;
  /** The documents' version; the kind's first when omitted (`/bulk/<kind>`). */
  version?: number;
  lines: AsyncIterable<string> | Iterable<string>;
  onResult: (result: BulkRowResult) => void;
  signal?: AbortSignal;
}): Promise<BulkSummary> {
  const url = new URL(`/bulk/${options.kind}${options.version === undefined ? '' : `.v${options.version}`}`, options.hubUrl);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<BulkSummary>((resolve, reject) => {
    const req = transport.request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/x-ndjson' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (piece: string) => (body += piece));
        res.on('end', () => {
          // The hub's failure answers have GraphQL's error shape on every route (src/server/http-answers.ts).
          let error: { code?: string; reason?: string; message?: string } = {};
          try {
            const first = (JSON.parse(body) as { errors?: { message?: string; extensions?: { code?: string; reason?: string } }[] }).errors?.[0];
            error = { ...first?.extensions, ...(first?.message !== undefined ? { message: first.message } : {}) };
          } catch {
            // Not JSON: keep the status alone.
          }
          fail(new BulkUploadError(res.statusCode ?? 0, error.reason ?? error.code ?? 'http', error.message ?? `hub answered ${res.statusCode}`));
        });
        return;
      }
      let pending = '';
      let summary: BulkSummary | undefined;
      const readLine = (text: string) => {
        if (text === '') return;
        const parsed = JSON.parse(text) as BulkRowResult | { summary: BulkSummary; error?: { code: string; message: string } };
        if ('summary' in parsed) {
          if (parsed.error) fail(new BulkUploadError(200, parsed.error.code, parsed.error.message));
          summary = parsed.summary;
        } else {
          options.onResult(parsed);
        }
      };
      res.on('data', (piece: string) => {
        pending += piece;
        let newline: number;
        while ((newline = pending.indexOf('\n')) !== -1) {
          readLine(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
        }
      });
      res.on('end', () => {
        readLine(pending);
        if (summary === undefined) fail(new BulkUploadError(200, 'bulk.truncated', 'the hub closed the answer before its summary'));
        else if (!settled) {
          settled = true;
          resolve(summary);
        }
      });
      res.on('error', fail);
    });
    (async () => {
      for await (const line of options.lines) {
        if (settled) return;
        if (!req.write(`${line}\n`)) await new Promise<void>((resolveDrain) => req.once('drain', resolveDrain));
      }
      req.end();
    })().catch(fail);
  });
}
