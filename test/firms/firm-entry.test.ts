import { describe, expect, it } from 'vitest';
import { checkFirmEntry, type FirmEntryInput } from '../../src/firms/firm-entry.ts';
import { FirmError } from '../../src/firms/firm-error.ts';

const CODE = '91350100M000100Y43';
const base: FirmEntryInput = { partyId: 'recycler-a', capacities: ['recycler'], creditCode: CODE, status: 'active' };

function refusal(input: FirmEntryInput, role: Parameters<typeof checkFirmEntry>[1] = 'recycler'): Pick<FirmError, 'code' | 'field'> & { message: string } {
  try {
    checkFirmEntry(input, role);
  } catch (error) {
    if (error instanceof FirmError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkFirmEntry', () => {
  it('accepts a recycler that also dismantles, with a licence, and orders its capacities', () => {
    const entry = checkFirmEntry(
      { ...base, capacities: ['dismantler', 'recycler', 'dismantler'], licenceNumber: '粤环证(废电)-0012', licenceValidUntil: '2028-06-30' },
      'recycler',
    );
    expect(entry).toEqual({
      partyId: 'recycler-a',
      capacities: ['recycler', 'dismantler'],
      creditCode: CODE,
      licenceNumber: '粤环证(废电)-0012',
      licenceValidUntil: '2028-06-30',
      status: 'active',
    });
  });

  it('accepts a regulator without a credit code, and refuses a firm without one', () => {
    expect(checkFirmEntry({ partyId: 'regulator-a', capacities: ['regulator'], status: 'active' }, 'regulator').creditCode).toBeNull();
    expect(refusal({ ...base, creditCode: null })).toMatchObject({ code: 'firm.credit_code_required', field: 'creditCode' });
  });

  it('refuses a credit code with a wrong check character, never repeating it', () => {
    const bad = '91350100M000100Y44';
    const refused = refusal({ ...base, creditCode: bad });
    expect(refused).toMatchObject({ code: 'firm.credit_code_invalid', field: 'creditCode' });
    expect(refused.message).toMatch(/^creditCode must /);
    expect(refused.message).not.toContain(bad);
  });

  it('refuses unknown or missing capacities, and capacities that do not fit the role', () => {
    expect(refusal({ ...base, capacities: [] })).toMatchObject({ code: 'firm.capacity_invalid', field: 'capacities' });
    expect(refusal({ ...base, capacities: ['pawnshop'] })).toMatchObject({ code: 'firm.capacity_invalid' });
    expect(refusal({ ...base, capacities: ['brand'] })).toMatchObject({ code: 'firm.capacity_role_mismatch' });
    expect(checkFirmEntry({ ...base, capacities: ['sales_firm', 'ecommerce_platform'] }, 'platform').capacities).toEqual(['sales_firm', 'ecommerce_platform']);
  });

  it('requires a licence of a dismantler, and refuses one for anybody else', () => {
    expect(refusal({ ...base, capacities: ['dismantler'] })).toMatchObject({ code: 'firm.licence_required', field: 'licenceNumber' });
    expect(refusal({ ...base, capacities: ['dismantler'], licenceNumber: 'LIC-0001' })).toMatchObject({
      code: 'firm.licence_required',
      field: 'licenceValidUntil',
    });
    expect(refusal({ ...base, capacities: ['dismantler'], licenceNumber: 'x', licenceValidUntil: '2028-01-01' })).toMatchObject({
      code: 'firm.licence_invalid',
      field: 'licenceNumber',
    });
    expect(refusal({ ...base, capacities: ['dismantler'], licenceNumber: 'LIC-0001', licenceValidUntil: '2028-02-30' })).toMatchObject({
      code: 'firm.licence_invalid',
      field: 'licenceValidUntil',
    });
    expect(refusal({ ...base, licenceNumber: 'LIC-0001', licenceValidUntil: '2028-01-01' })).toMatchObject({
      code: 'firm.licence_not_applicable',
      field: 'licenceNumber',
    });
  });

  it('refuses an unknown status', () => {
    expect(refusal({ ...base, status: 'dormant' })).toMatchObject({ code: 'firm.status_invalid', field: 'status' });
  });
});
