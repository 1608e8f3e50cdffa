import type { FaultCode, InspectionV1 } from '../../src/documents/documents.generated.ts';
import type { Adapter, AdapterOptions, NativeRow, RowMapper } from '../adapter.ts';
import { parseFen } from '../shared/parse-fen.ts';
import { parseMonth } from '../shared/parse-month.ts';
import { parsePercent } from '../shared/parse-percent.ts';
import { platformOption } from '../shared/platform-option.ts';
import { RowErrors } from '../shared/row-errors.ts';
import { RowReader } from '../shared/row-reader.ts';
import { gradeValueOf, isCertificateRef, SHIPPED_ADAPTER_VOCABULARIES, VOCABULARY_RULES } from '../shared/vocabulary-cells.ts';
import { CONDITION_FAULTS, CONDITION_GRADES } from './condition-words.ts';
import { BATTERY_PHRASE, FAULT_PHRASES, NO_FAULT_PHRASES, phraseKey } from './fault-phrases.ts';
import { WIPE_METHODS, type WipeMethod } from './wipe-methods.ts';

/**
 * A recycler's inspection sheet (CSV) → inspection.v1, naming the trade-in by the platform's order number.
 * The inspector's name and phone and the remark are never read; the device serial is read only to refuse a
 * certificate number derived from it, and never leaves this function.
 */
export const COLUMNS = {
  inspection: '质检单号',
  order: '平台订单号',
  condition: '成色',
  findings: '质检结果',
  battery: '电池健康',
  finalPrice: '最终回收价',
  wipe: '数据清除',
  certificate: '清除证书编号',
  inspected: '质检完成时间',
  serial: '设备序列号',
} as const;

const FINDING_SEPARATORS = /[;；、,，]/;

const gradeByWord = new Map(Object.entries(CONDITION_GRADES).map(([word, grade]) => [phraseKey(word), { word, grade }]));
const faultByPhrase = new Map(Object.entries(FAULT_PHRASES).map(([phrase, code]) => [phraseKey(phrase), code]));
const noFault = new Set([...NO_FAULT_PHRASES].map(phraseKey));
const wipeByWord = new Map(Object.entries(WIPE_METHODS).map(([word, method]) => [phraseKey(word), method]));

interface Findings {
  faults: FaultCode[];
  batteryHealthPct: number | undefined;
  unknown: number;
}

function readFindings(text: string): Findings {
  const faults = new Set<FaultCode>();
  let batteryHealthPct: number | undefined;
  let unknown = 0;
  for (const raw of text.split(FINDING_SEPARATORS)) {
    const phrase = phraseKey(raw);
    if (phrase === '' || noFault.has(phrase)) continue;
    const battery = BATTERY_PHRASE.exec(phrase);
    if (battery !== null && Number(battery[1]) <= 100) {
      batteryHealthPct = Number(battery[1]);
      continue;
    }
    const code = faultByPhrase.get(phrase);
    if (code === undefined) unknown += 1;
    else faults.add(code);
  }
  return { faults: [...faults], batteryHealthPct, unknown };
}

function create(options: AdapterOptions): RowMapper<'inspection'> {
  const platform = platformOption(options);
  const vocabularies = options.vocabularies ?? SHIPPED_ADAPTER_VOCABULARIES;
  return (record: NativeRow, row: number) => {
    const errors = new RowErrors(row);
    const cells = new RowReader(record, errors);
    const text = (column: string) => cells.text(column);

    const externalRef = cells.required(COLUMNS.inspection);
    const order = cells.required(COLUMNS.order);
    const condition = cells.parse(
      COLUMNS.condition,
      (word) => gradeByWord.get(phraseKey(word)),
      'adapter.unknown_condition',
      'must be a condition word of the condition table (e.g. 95新, 9成新, 无法开机)',
      { required: true },
    );
    // The word travels as the PROPRIETARY grade value: it must be in that scheme's vocabulary at the hub too.
    if (condition !== undefined && gradeValueOf('PROPRIETARY', condition.word, vocabularies) === undefined) {
      errors.add(COLUMNS.condition, VOCABULARY_RULES.gradeValue.code, VOCABULARY_RULES.gradeValue.message);
    }

    const findingsText = text(COLUMNS.findings);
    const findings = findingsText === undefined ? { faults: [], batteryHealthPct: undefined, unknown: 0 } : readFindings(findingsText);
    if (findings.unknown > 0) {
      errors.add(COLUMNS.findings, 'adapter.unknown_fault', `must list only phrases of the fault table; ${findings.unknown} phrase(s) are not in it`);
    }
    const conditionFault = condition === undefined ? undefined : CONDITION_FAULTS[condition.word];
    const faults = conditionFault === undefined || findings.faults.includes(conditionFault) ? findings.faults : [conditionFault, ...findings.faults];

    const batteryColumn = cells.parse(COLUMNS.battery, parsePercent, 'adapter.bad_percent', 'must be a whole percentage from 0% to 100%');
    if (batteryColumn !== undefined && findings.batteryHealthPct !== undefined && batteryColumn !== findings.batteryHealthPct) {
      errors.add(COLUMNS.battery, 'adapter.inconsistent_values', `must equal the battery health stated in ${COLUMNS.findings}`);
    }
    const batteryHealthPct = batteryColumn ?? findings.batteryHealthPct;

    const finalValuationFen = cells.parse(COLUMNS.finalPrice, parseFen, 'adapter.bad_price', 'must be an amount in yuan such as ¥1,850.00 or 1850');
    const inspectedMonth = cells.parse(
      COLUMNS.inspected,
      parseMonth,
      'adapter.bad_date',
      'must be a real date such as 2021/3/15, 20210315, 2021-03-15 or 2021年03月15日',
      { required: true },
    );
    const wipe: WipeMethod | undefined = cells.parse(
      COLUMNS.wipe,
      (word) => wipeByWord.get(phraseKey(word)),
      'adapter.unknown_wipe_method',
      'must be a wipe method of the wipe table (e.g. 国标覆写, 物理销毁)',
    );
    const certificateRef = text(COLUMNS.certificate);
    if (certificateRef !== undefined) {
      if (!isCertificateRef(certificateRef)) {
        errors.add(COLUMNS.certificate, VOCABULARY_RULES.certificateRef.code, VOCABULARY_RULES.certificateRef.message);
      } else if (derivedFromSerial(certificateRef, text(COLUMNS.serial))) {
        errors.add(COLUMNS.certificate, 'adapter.bad_certificate_ref', `must not be derived from ${COLUMNS.serial}`);
      }
    }

    return errors.result<'inspection'>(() => {
      const document: InspectionV1 = {
        externalRef: externalRef!,
        tradeIn: { platform, externalRef: order! },
        grade: condition!.grade,
        gradeScheme: 'PROPRIETARY',
        gradeValue: condition!.word,
        inspectedMonth: inspectedMonth!,
        faults,
      };
      if (batteryHealthPct !== undefined) document.batteryHealthPct = batteryHealthPct;
      if (finalValuationFen !== undefined) document.finalValuationFen = finalValuationFen;
      if (wipe !== undefined || certificateRef !== undefined) {
        document.dataWipe = { required: true, ...wipe, ...(certificateRef === undefined ? {} : { certificateRef }) };
      }
      return document;
    });
  };
}

/** Whether a certificate number contains the serial (or the serial it), ignoring case and hyphens. */
function derivedFromSerial(certificateRef: string, serial: string | undefined): boolean {
  if (serial === undefined) return false;
  const fold = (value: string) => value.replace(/[-\s]/g, '').toUpperCase();
  const [certificate, device] = [fold(certificateRef), fold(serial)];
  return device.length >= 6 && (certificate.includes(device) || (certificate.length >= 8 && device.includes(certificate)));
}

export const recyclerInspectionsCsv: Adapter<'inspection'> = { create };
