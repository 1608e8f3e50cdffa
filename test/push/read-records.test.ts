import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecordSource, type SourceRecord } from '../../src/push/read-records.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'read-records-'));
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

async function readAll(name: string, text: string, input: Parameters<typeof openRecordSource>[1], requiredColumns: string[] = []): Promise<SourceRecord[]> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text);
  const source = await openRecordSource(file, input, { requiredColumns });
  const records: SourceRecord[] = [];
  for await (const record of source.records) records.push(record);
  return records;
}

describe('openRecordSource (CSV)', () => {
  it('reads rows by header, skipping a BOM and folding full-width header brackets', async () => {
    const records = await readAll('a.csv', '\uFEFF品牌,重量（g）\r\nApple,194\r\n"华为, Inc.","1\n2"\r\n', { format: 'csv' }, ['品牌']);
    expect(records).toEqual([
      { row: 1, record: { 品牌: 'Apple', '重量(g)': '194' } },
      { row: 2, record: { 品牌: '华为, Inc.', '重量(g)': '1\n2' } },
    ]);
  });

  it('reports a row whose cells do not line up with the header instead of shifting them', async () => {
    const records = await readAll('b.csv', 'a,b\r\n1,2\r\n1,2,3\r\n1\r\n', { format: 'csv' });
    expect(records.map((record) => record.record === undefined)).toEqual([false, true, true]);
  });

  it('refuses a header without the required columns, naming them', async () => {
    await expect(readAll('c.csv', 'a,b\r\n1,2\r\n', { format: 'csv' }, ['平台订单号'])).rejects.toMatchObject({
      code: 'push.missing_columns',
      message: expect.stringContaining('平台订单号'),
    });
  });

  it('refuses broken quoting without quoting the field', async () => {
    const error = await readAll('d.csv', 'a,b\r\n"13912345678,2\r\n', { format: 'csv' }).catch((caught: Error) => caught);
    expect(error).toMatchObject({ code: 'push.bad_csv' });
    expect((error as Error).message).not.toContain('13912345678');
  });
});

describe('openRecordSource (JSON)', () => {
  it('reads the elements of the named array and reports non-objects by row', async () => {
    const records = await readAll('e.json', '{"platform":"x","orders":[{"订单号":"TI1"},7,{"订单号":"TI2"}]}', { format: 'json', arrayKey: 'orders' });
    expect(records.map((record) => [record.row, record.record])).toEqual([
      [1, { 订单号: 'TI1' }],
      [2, undefined],
      [3, { 订单号: 'TI2' }],
    ]);
  });

  it('refuses a truncated file', async () => {
    await expect(readAll('f.json', '{"orders":[{"订单号":"TI1"},{"订单', { format: 'json', arrayKey: 'orders' })).rejects.toMatchObject({
      code: 'push.bad_json',
    });
  });
});
