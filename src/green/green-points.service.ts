import type { DbOrTx } from '../db/database.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import { periodBounds, type Period } from '../ledger/periods.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import * as green from './green-points.repository.ts';
import type { GreenPointsTable } from './green-points.table.ts';

/** kg CO2e (numeric text) as a number: grams are exact in a double at any realistic total. */
const kg = (text: string): number => Number(text);

export interface GreenMonth {
  /** `YYYY-MM` (UTC), the month the entries were posted. */
  period: Period;
  points: number;
  co2eKg: number;
}

export interface MyGreenPoints {
  totalPoints: number;
  co2eAvoidedKg: number;
  months: GreenMonth[];
}

/** A user's points ledger summed: the total and each month's net (awards less reversals), newest first. */
export async function subjectGreenPoints(db: DbOrTx, subjectId: string): Promise<MyGreenPoints> {
  const months = (await green.subjectMonths(db, subjectId)).map((m) => ({ period: m.month.slice(0, 7), points: m.points, co2eKg: kg(m.co2e_kg) }));
  return {
    totalPoints: months.reduce((sum, m) => sum + m.points, 0),
    // Summed in grams so the total is exactly the sum of the published per-device figures.
    co2eAvoidedKg: months.reduce((grams, m) => grams + Math.round(m.co2eKg * 1000), 0) / 1000,
    months,
  };
}

export interface GreenEntry {
  kind: 'award' | 'reversal';
  period: Period;
  points: number;
  co2eKg: number;
  factorSet: string;
  pointsPerKg: number;
  at: Date;
}

/** A user's entries, newest first. */
export async function subjectGreenEntries(db: DbOrTx, subjectId: string, limit: number): Promise<GreenEntry[]> {
  return (await green.listSubjectEntries(db, subjectId, limit)).map(entryOf);
}

function entryOf(row: GreenPointsTable): GreenEntry {
  return {
    kind: row.kind,
    period: row.month.slice(0, 7),
    points: row.points,
    co2eKg: kg(row.co2e_kg),
    factorSet: row.factor_set,
    pointsPerKg: row.points_per_kg,
    at: row.created_at,
  };
}

/** Each of the user's devices that is verified: record id → its standing award (kg and points). */
export async function subjectDeviceAwards(db: DbOrTx, subjectId: string): Promise<Map<string, { co2eKg: number; points: number }>> {
  const rows = await green.standingAwards(db, subjectId);
  return new Map(rows.map((row) => [row.record_id, { co2eKg: kg(row.co2e_kg), points: row.points }]));
}

export interface GreenStatement {
  period: Period;
  platformId: string;
  /** Users with entries in the month. */
  users: number;
  points: number;
  co2eKg: number;
  entries: number;
}

/** The month's first day as the table stores it; throws PeriodFormatError on a malformed period. */
function monthOf(period: Period): string {
  return periodBounds(period).start.toISOString().slice(0, 10);
}

/** A platform's green points for a month (UTC): its users' entries posted in it, summed. */
export async function platformGreenStatement(db: DbOrTx, platformId: string, period: Period): Promise<GreenStatement> {
  const totals = await green.platformMonthTotals(db, platformId, monthOf(period));
  return { period, platformId, users: totals.users, points: totals.points, co2eKg: kg(totals.co2e_kg), entries: totals.entries };
}

export interface GreenStatementLine {
  /** The platform's own pseudonym for the user. */
  subjectRef: string;
  /** Net points posted in the month (awards less reversals). */
  points: number;
  co2eKg: number;
  /** Devices with an entry in the month. */
  devices: number;
}

/**
 * A page of a platform's month, one line per user, in subject-id order (the vault keeps pseudonyms sealed);
 * `after` is the last pseudonym of the previous page, as for payout statements. `secret` is the hub secret.
 */
export async function platformGreenLines(
  db: DbOrTx,
  secret: Buffer,
  platformId: string,
  period: Period,
  page: { first: number; after?: string },
): Promise<GreenStatementLine[]> {
  const rows = await green.platformMonthLines(db, platformId, monthOf(period), {
    first: page.first,
    ...(page.after === undefined ? {} : { afterSubjectId: subjectIdFor(secret, platformId, page.after) }),
  });
  const cipher = subjectRefCipher(secret);
  return rows.map((row) => ({
    subjectRef: cipher.open(row.subject_id, row.subject_ref_sealed),
    points: row.points,
    co2eKg: kg(row.co2e_kg),
    devices: row.devices,
  }));
}

/** Every line of a platform's month, a page at a time, for exports of any size. */
export async function* allPlatformGreenLines(
  db: DbOrTx,
  secret: Buffer,
  platformId: string,
  period: Period,
  pageSize = 5000,
): AsyncGenerator<GreenStatementLine> {
  let after: string | undefined;
  for (;;) {
    const page = await platformGreenLines(db, secret, platformId, period, { first: pageSize, ...(after === undefined ? {} : { after }) });
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.subjectRef;
  }
}
