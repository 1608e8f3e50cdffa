import type { PushSummary } from './push-file.ts';

/** The closing lines of a push, for stdout: what was read, what the hub did with it, where the rejects are. */
export function formatSummary(summary: PushSummary): string {
  const lines: string[] = [];
  const codes = Object.entries(summary.rejectCodes)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  if (summary.dryRun) {
    lines.push(`dry run of ${summary.adapter} (${summary.kind}.v1): nothing was sent`);
    lines.push(`read ${summary.read} · valid ${summary.accepted} · rejected ${summary.rejected}`);
  } else {
    const resumed = summary.resumedAfterRow > 0 ? `, resumed after row ${summary.resumedAfterRow}` : '';
    const retries = summary.retries > 0 ? `, ${summary.retries} retr${summary.retries === 1 ? 'y' : 'ies'}` : '';
    lines.push(
      `${summary.interrupted ? 'interrupted' : 'pushed'} ${summary.adapter} (${summary.kind}.v1): ${summary.batches} batch${summary.batches === 1 ? '' : 'es'}${resumed}${retries}`,
    );
    lines.push(
      `read ${summary.read} · accepted ${summary.accepted} · replayed ${summary.replayed} · rejected ${summary.rejected} · conflicts ${summary.conflicts}`,
    );
  }
  lines.push(`rejects report: ${summary.rejectsFile}${codes === '' ? ' (no rejects)' : ` (${codes})`}`);
  if (summary.interrupted) lines.push('run the same command again to finish; acknowledged batches are skipped and the rest is sent once');
  return `${lines.join('\n')}\n`;
}
