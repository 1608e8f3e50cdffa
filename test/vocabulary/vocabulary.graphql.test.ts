import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handOverTickets } from '../support/custody.ts';
import { createTestHub, type TestHub } from '../support/test-hub.ts';
import { tradeInDocument as tradeIn } from '../support/documents.ts';

const SUBMIT = (field: string) => /* GraphQL */ `
  mutation ($documents: [JSON!]!) {
    ${field}(documents: $documents) {
      __typename
      ... on SubmissionBatch {
        accepted rejected
        results { __typename ... on SubmissionAccepted { ticket } ... on SubmissionRejected { errors { path code message } } }
      }
    }
  }`;
const SUBMIT_TRADE_INS = SUBMIT('submitTradeIns');
const SUBMIT_INSPECTIONS = SUBMIT('submitInspections');
const SUBMIT_CATALOGUE = SUBMIT('submitCatalogueEntries');
const UNLISTED = /* GraphQL */ `
  query {
    unlistedModels(first: 10) {
      __typename
      ... on QueryUnlistedModelsSuccess {
        data {
          brand
          modelHash
          records
        }
      }
      ... on HubError {
        code
      }
    }
  }
`;
const MY_RECORDS = /* GraphQL */ `
  query {
    me {
      __typename
      ... on Me {
        records {
          brand
          model
        }
      }
    }
  }
`;
const REGISTER_BRAND = /* GraphQL */ `
  mutation ($id: String!, $zh: String!, $en: String!) {
    registerBrand(id: $id, nameZh: $zh, nameEn: $en) {
      __typename
      ... on Brand {
        id
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;
const REGISTER_GRADES = /* GraphQL */ `
  mutation ($values: [String!]!) {
    registerGradingScheme(values: $values) {
      __typename
      ... on MutationRegisterGradingSchemeSuccess {
        data
      }
      ... on HubError {
        code
        message
      }
    }
  }
`;

function catalogueEntry(brand: string, model: string) {
  return { brand, model, category: 'mobile_phone', launchMonth: '2026-09', launchPriceFen: 599_900, spec: { storageGb: 256 } };
}

/** A full dump: `select *` of every table in the hub's schema, as text. */
async function databaseDump(hub: TestHub): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(hub.app.database.db);
  const parts: string[] = [];
  for (const { table_name: table } of tables.rows) {
    const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t`.execute(hub.app.database.db);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

describe('the vocabulary rule', () => {
  let hub: TestHub;
  let platform: string;
  beforeAll(async () => {
    hub = await createTestHub();
    platform = await hub.token('platform-a');
  });
  afterAll(async () => hub.close());

  it('stores the canonical brand id for a name, an alias or another spelling', async () => {
    const documents = [
      tradeIn('B-1', { brand: 'HUAWEI', model: 'Mate 60 Pro' }),
      tradeIn('B-2', { brand: '華為', model: 'Mate 60 Pro' }),
      tradeIn('B-3', { brand: 'Ｈｕａｗｅｉ', model: 'Mate 60 Pro' }),
    ];
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents }, platform);
    expect(body.data.submitTradeIns.accepted).toBe(3);
    const { rows } = await sql<{ brand: string }>`select distinct brand from records`.execute(hub.app.database.db);
    expect(rows).toEqual([{ brand: 'huawei' }]);
  });

  it('refuses an unknown brand with its path and rule, never its value (unknown brand)', async () => {
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('B-4', { brand: 'Zhangsan Phones' })] }, platform);
    expect(body.data.submitTradeIns.results[0]).toEqual({
      __typename: 'SubmissionRejected',
      errors: [{ path: '/brand', code: 'vocabulary.unknown_brand', message: "must be a brand in the hub's brand registry" }],
    });
    expect(JSON.stringify(body)).not.toContain('Zhangsan');
    expect(await databaseDump(hub)).not.toContain('Zhangsan');
  });

  it('accepts a brand once a brand party registers it, and only then', async () => {
    const before = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('B-5', { brand: 'Nothing', model: 'Phone (2)' })] }, platform);
    expect(before.body.data.submitTradeIns.results[0].errors[0].code).toBe('vocabulary.unknown_brand');
    const byPlatform = await hub.graphql(REGISTER_BRAND, { id: 'nothing', zh: 'Nothing', en: 'Nothing' }, platform);
    expect(byPlatform.body.data.registerBrand.__typename).toBe('Forbidden');
    const registered = await hub.graphql(REGISTER_BRAND, { id: 'nothing', zh: 'Nothing', en: 'Nothing' }, await hub.token('brand-a'));
    expect(registered.body.data.registerBrand).toEqual({ __typename: 'Brand', id: 'nothing' });
    const taken = await hub.graphql(REGISTER_BRAND, { id: 'my-apple', zh: '苹果', en: 'APPLE' }, await hub.token('brand-a'));
    expect(taken.body.data.registerBrand.code).toBe('vocabulary.brand_name_taken');
    const personal = await hub.graphql(REGISTER_BRAND, { id: 'wang', zh: '王先生', en: 'Mr Wang' }, await hub.token('brand-a'));
    expect(personal.body.data.registerBrand.code).toBe('vocabulary.bad_brand_name');
    expect(JSON.stringify(personal.body)).not.toContain('王先生');
    const after = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('B-5', { brand: 'Nothing', model: 'Phone (2)' })] }, platform);
    expect(after.body.data.submitTradeIns.accepted).toBe(1);
  });

  it('keeps an uncatalogued model only as a keyed hash, counts it as unlisted, and resolves it when the brand catalogues it', async () => {
    const subjectRef = 'Qm9Xv7TzL2pR8kW4nY6cJ1sH3dF5gA0e';
    const user = await hub.token('platform-a', { subjectRef });
    const documents = [
      tradeIn('U-1', { model: 'iPhone 17 Pro Max 256GB', subjectRef }),
      tradeIn('U-2', { model: 'iphone17promax 256G 深空黑色' }),
      tradeIn('U-3', { model: 'ＩＰＨＯＮＥ　１７　ＰＲＯ　ＭＡＸ' }),
    ];
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents }, platform);
    expect(body.data.submitTradeIns.accepted).toBe(3);
    // No model text anywhere: not as sent, not normalised, not in any table.
    const dump = (await databaseDump(hub)).toLowerCase();
    for (const text of ['iphone 17', 'iphone17', 'ｉｐｈｏｎｅ', 'pro max', 'promax']) expect(dump, text).not.toContain(text);
    const unlisted = await hub.graphql(UNLISTED, {}, await hub.token('operator-a'));
    const entries = unlisted.body.data.unlistedModels.data as { brand: string; records: number }[];
    expect(entries).toContainEqual(expect.objectContaining({ brand: 'apple', records: 3 }));
    const notOperator = await hub.graphql(UNLISTED, {}, await hub.token('brand-a'));
    expect(notOperator.body.data.unlistedModels.__typename).toBe('Forbidden');
    expect((await hub.graphql(MY_RECORDS, {}, user)).body.data.me.records).toEqual([{ brand: 'apple', model: null }]);

    // The brand catalogues the model (another spelling): the records join it in the catalogue's transaction.
    const catalogued = await hub.graphql(SUBMIT_CATALOGUE, { documents: [catalogueEntry('苹果', 'iPhone 17 Pro Max 256GB')] }, await hub.token('brand-a'));
    expect(catalogued.body.data.submitCatalogueEntries.accepted).toBe(1);
    const { rows } = await sql<{ model: string | null; model_hash: Buffer | null; records: number }>`
      select model, model_hash, count(*)::integer as records from records where brand = 'apple' and quoted_valuation_fen = 180000
        and id in (select record_id from tickets where id = any(${body.data.submitTradeIns.results.map((r: { ticket: string }) => r.ticket)}::uuid[]))
      group by model, model_hash`.execute(hub.app.database.db);
    expect(rows).toEqual([{ model: 'iPhone 17 Pro Max 256GB', model_hash: null, records: 3 }]);
    expect((await hub.graphql(MY_RECORDS, {}, user)).body.data.me.records).toEqual([{ brand: 'apple', model: 'iPhone 17 Pro Max 256GB' }]);
    const after = (await hub.graphql(UNLISTED, {}, await hub.token('operator-a'))).body.data.unlistedModels.data as { brand: string }[];
    expect(after.filter((entry) => entry.brand === 'apple')).toEqual([]);

    // A trade-in after the catalogue resolves at once.
    await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('U-4', { model: 'iPhone17 Pro Max 256gb' })] }, platform);
    const { rows: direct } = await sql<{ model: string }>`select model from records where model_hash is null and model like 'iPhone 17%'`.execute(
      hub.app.database.db,
    );
    expect(direct).toHaveLength(4);
  });

  it('refuses a catalogue entry outside the model-name grammar', async () => {
    const { body } = await hub.graphql(SUBMIT_CATALOGUE, { documents: [catalogueEntry('Apple', 'іPhone 18') /* Cyrillic і */] }, await hub.token('brand-a'));
    expect(body.data.submitCatalogueEntries.results[0].errors).toContainEqual(expect.objectContaining({ path: '/model' }));
  });

  it('accepts grade values from their scheme, in canonical form, and refuses others (unknown grade value)', async () => {
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('G-1')] }, platform);
    const ticket = body.data.submitTradeIns.results[0].ticket;
    await handOverTickets(hub, 'platform-a', [ticket], 'recycler-a');
    const recycler = await hub.token('recycler-a');
    const inspection = (externalRef: string, gradeScheme: string, gradeValue: string) => ({
      externalRef,
      ticket,
      grade: 'B',
      gradeScheme,
      gradeValue,
      inspectedMonth: '2026-11',
    });
    const answer = await hub.graphql(
      SUBMIT_INSPECTIONS,
      {
        documents: [
          inspection('I-1', 'CTIA', '1b'),
          inspection('I-2', 'R2_REC', 'F5 C6'),
          inspection('I-3', 'CTIA', 'F5'),
          inspection('I-4', 'PROPRIETARY', '9成新'),
          inspection('I-5', 'PROPRIETARY', '靓机'),
        ],
      },
      recycler,
    );
    const results = answer.body.data.submitInspections.results;
    expect(results.map((r: { __typename: string }) => r.__typename)).toEqual([
      'SubmissionAccepted',
      'SubmissionAccepted',
      'SubmissionRejected',
      'SubmissionAccepted',
      'SubmissionRejected',
    ]);
    expect(results[2].errors).toEqual([
      { path: '/gradeValue', code: 'vocabulary.unknown_grade_value', message: "must be a value in the grading scheme's vocabulary" },
    ]);
    const { rows } = await sql<{ grade_value: string }>`select grade_value from inspections order by grade_value`.execute(hub.app.database.db);
    expect(rows.map((r) => r.grade_value)).toEqual(['1 B', '9成新', 'F5 C6']);

    // The recycler registers its own scheme: its value is accepted from then on, a personal one never.
    const registered = await hub.graphql(REGISTER_GRADES, { values: ['靓机', '小花'] }, recycler);
    expect(registered.body.data.registerGradingScheme.data).toEqual(['小花', '靓机']);
    const personal = await hub.graphql(REGISTER_GRADES, { values: ['13912345678'] }, recycler);
    expect(personal.body.data.registerGradingScheme.code).toBe('vocabulary.bad_grade_value');
    const again = await hub.graphql(SUBMIT_INSPECTIONS, { documents: [inspection('I-5', 'PROPRIETARY', '靓机')] }, recycler);
    expect(again.body.data.submitInspections.accepted).toBe(1);
  });

  it('accepts pseudonyms of a declared shape and refuses one that decodes to a personal datum', async () => {
    const encodedPhone = Buffer.from('mobile 13912345678').toString('base64url');
    const { body } = await hub.graphql(
      SUBMIT_TRADE_INS,
      {
        documents: [tradeIn('S-1', { subjectRef: '0f8e3c52-9a41-4b7e-8c2d-6a1f0e9b3d74' }), tradeIn('S-2', { subjectRef: encodedPhone })],
      },
      platform,
    );
    expect(body.data.submitTradeIns.results[0].__typename).toBe('SubmissionAccepted');
    // The detectors decode it first and name what it hides; the pseudonym rule would refuse it next.
    expect(body.data.submitTradeIns.results[1].errors).toEqual([
      { path: '/subjectRef', code: 'pii.cn_mobile', message: 'must not contain a mainland mobile number' },
    ]);
    expect(JSON.stringify(body)).not.toContain(encodedPhone);
  });

  it('keeps neither the raw subjectRef nor the certificateRef in a dump of the database', async () => {
    const subjectRef = 'Zx8Lq2Vn5Rt9Wm3Kp7Yb1Hc6Jd4Gf0Se';
    const certificateRef = 'WC-NHUWEHSBZ4';
    const { body } = await hub.graphql(SUBMIT_TRADE_INS, { documents: [tradeIn('D-1', { subjectRef })] }, platform);
    const ticket = body.data.submitTradeIns.results[0].ticket;
    await handOverTickets(hub, 'platform-a', [ticket], 'recycler-a');
    const wipe = {
      required: true,
      standard: 'GB_INFO_CLEARANCE_2025',
      level: 'purge',
      technique: 'overwrite',
      passes: 1,
      verification: 'full',
      result: 'success',
      completedMonth: '2026-11',
      certificateRef,
    };
    const answer = await hub.graphql(
      SUBMIT_INSPECTIONS,
      { documents: [{ externalRef: 'D-I-1', ticket, grade: 'B', inspectedMonth: '2026-11', dataWipe: wipe }] },
      await hub.token('recycler-a'),
    );
    expect(answer.body.data.submitInspections.accepted).toBe(1);
    const dump = await databaseDump(hub);
    expect(dump).not.toContain(subjectRef);
    expect(dump).not.toContain(certificateRef);
    expect(dump).toContain('certificateRefHash');
    // The user's token still finds the subject: look-ups go by the keyed hash.
    const me = await hub.graphql(MY_RECORDS, {}, await hub.token('platform-a', { subjectRef }));
    expect(me.body.data.me.records).toHaveLength(1);
  });
});
