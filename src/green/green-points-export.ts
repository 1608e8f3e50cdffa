import type { ServerResponse } from 'node:http';
import type { DbOrTx } from '../db/database.ts';
import type { Period } from '../ledger/periods.ts';
import { GREEN_POINTS_RULE } from './green-points-rule.ts';
import { allPlatformGreenLines, platformGreenStatement } from './green-points.service.ts';

/**
 * Writes a platform's green points for a month as CSV (`subject_ref,points,co2e_kg,devices`) or JSON
 * (the totals, the rule and `lines`), streamed a page at a time. The caller has authorised the platform;
 * the route is `/statements/<YYYY-MM>.green-points.csv|json` (src/ledger/statement-export.handler.ts).
 */
export async function exportGreenPoints(
  res: ServerResponse,
  job: { db: DbOrTx; secret: Buffer; platformId: string; period: Period; format: 'csv' | 'json' },
): Promise<void> {
  const { db, secret, platformId, period, format } = job;
  const statement = await platformGreenStatement(db, platformId, period);
  res.writeHead(200, {
    'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="green-points-${platformId}-${period}.${format}"`,
    'cache-control': 'no-store',
  });
  const write = async (text: string) => {
    if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
  };
  if (format === 'csv') {
    // Pseudonyms are base64url or UUIDs and the figures numbers: nothing here needs quoting.
    await write('subject_ref,points,co2e_kg,devices\n');
    for await (const line of allPlatformGreenLines(db, secret, platformId, period)) {
      await write(`${line.subjectRef},${line.points},${line.co2eKg},${line.devices}\n`);
    }
  } else {
    const { users, points, co2eKg, entries } = statement;
    await write(
      `{"period":${JSON.stringify(period)},"platformId":${JSON.stringify(platformId)},"users":${users},"totalPoints":${points},` +
        `"co2eKg":${co2eKg},"entries":${entries},"rule":${JSON.stringify(GREEN_POINTS_RULE)},"lines":[`,
    );
    let first = true;
    for await (const line of allPlatformGreenLines(db, secret, platformId, period)) {
      await write(`${first ? '' : ','}${JSON.stringify(line)}`);
      first = false;
    }
    await write(']}\n');
  }
  res.end();
}
