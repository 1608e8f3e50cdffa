import type { Db } from '../db/database.ts';
import { checkChainLink, type ChainBreak } from './access-log-chain.ts';
import { contentOf, streamAccessLog } from './access-log.repository.ts';

export interface AuditReport {
  entries: number;
  firstBreak: ChainBreak | undefined;
}

/**
 * Recomputes the access log's hash chain from the first entry and reports the first broken one (edited,
 * removed or reordered), or none. Reads the log a page at a time, so it runs on a log of any length.
 */
export async function verifyAccessLog(db: Db): Promise<AuditReport> {
  let previous: { seq: number; hash: Uint8Array } | null = null;
  let entries = 0;
  for await (const row of streamAccessLog(db)) {
    const content = contentOf(row);
    const broken = checkChainLink(previous, { content, prevHash: row.prev_hash, hash: row.hash });
    if (broken !== undefined) return { entries, firstBreak: broken };
    previous = { seq: content.seq, hash: row.hash };
    entries++;
  }
  return { entries, firstBreak: undefined };
}
