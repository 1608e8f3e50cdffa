import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { subjectRefCipher } from '../hub-keys/subject-ref-cipher.ts';
import { subjectIdFor } from '../subjects/subject-id.ts';
import { LedgerError } from './ledger-error.ts';
import type { Period } from './periods.ts';

export interface PlatformStatement {
  period: Period;
  platformId: string;
  subjects: number;
  totalFen: number;
  issuedAt: Date;
  confirmedAt: Date | null;
  confirmationReference: string | null;
}

export interface StatementLine {
  subjectRef: string;
  amountFen: number;
}

/** A platform's statement for a closed period; undefined when there is none. */
export async function findStatement(db: DbOrTx, period: Period, platformId: string): Promise<PlatformStatement | undefined> {
  const row = await db
    .selectFrom('statements as s')
    .leftJoin('statement_confirmations as c', (join) => join.onRef('c.period', '=', 's.period').onRef('c.platform_id', '=', 's.platform_id'))
    .select(['s.period', 's.platform_id', 's.subjects', 's.total_fen', 's.issued_at', 'c.confirmed_at', 'c.reference'])
    .where('s.period', '=', period)
    .where('s.platform_id', '=', platformId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    period: row.period,
    platformId: row.platform_id,
    subjects: row.subjects,
    totalFen: Number(row.total_fen),
    issuedAt: row.issued_at,
    confirmedAt: row.confirmed_at ?? null,
    confirmationReference: row.reference ?? null,
  };
}

/**
 * A page of a statement's lines, subject ref → amount paid, in subject-id order (the vault keeps the refs
 * sealed, so they cannot be sorted in the database); `after` is the last ref of the previous page. The refs
 * are opened here, for the platform they belong to: its own pseudonyms. `secret` is the hub secret.
 */
export async function statementLines(
  db: DbOrTx,
  secret: Buffer,
  period: Period,
  platformId: string,
  page: { first: number; after?: string },
): Promise<StatementLine[]> {
  let query = db
    .selectFrom('payout_lines as p')
    .innerJoin('subjects as s', 's.id', 'p.subject_id')
    .select(['s.id', 's.subject_ref_sealed', 'p.paid_fen'])
    .where('p.period', '=', period)
    .where('p.platform_id', '=', platformId)
    .where('p.paid_fen', '>', '0')
    .orderBy('s.id')
    .limit(page.first);
  if (page.after !== undefined) query = query.where('s.id', '>', subjectIdFor(secret, platformId, page.after));
  const rows = await query.execute();
  const cipher = subjectRefCipher(secret);
  return rows.map((row) => ({ subjectRef: cipher.open(row.id, row.subject_ref_sealed), amountFen: Number(row.paid_fen) }));
}

/** Every line of a statement, a page at a time, for exports of any size. */
export async function* allStatementLines(db: DbOrTx, secret: Buffer, period: Period, platformId: string, pageSize = 5000): AsyncGenerator<StatementLine> {
  let after: string | undefined;
  for (;;) {
    const page = await statementLines(db, secret, period, platformId, { first: pageSize, ...(after === undefined ? {} : { after }) });
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.subjectRef;
  }
}

/** The platform says it has paid its users. Idempotent: a second confirmation keeps the first. */
export async function confirmStatementPaid(db: DbOrTx, period: Period, platformId: string, reference: string | null, now: Date): Promise<PlatformStatement> {
  const statement = await findStatement(db, period, platformId);
  if (statement === undefined) throw new LedgerError('statement.not_found', `there is no statement for ${platformId} in ${period}`);
  await sql`
    insert into statement_confirmations (period, platform_id, reference, confirmed_at)
    values (${period}, ${platformId}, ${reference}, ${now}::timestamptz)
    on conflict (period, platform_id) do nothing`.execute(db);
  return (await findStatement(db, period, platformId))!;
}
