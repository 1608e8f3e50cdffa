import type { GradeScheme } from '../documents/documents.generated.ts';

/**
 * The values each grading scheme allows for `gradeValue`, and the canonical form the hub stores. A value
 * outside its scheme's vocabulary is refused (`vocabulary.unknown_grade_value`): a grade field is not a
 * place for free text. Pure; never throws.
 *
 * - CTIA: functional grade 0–9 and cosmetic grade A–D, either alone or as a pair ("1 B", also written
 *   1B, 1/B, 1-B).
 * - R2_REC: functional F1–F6 and cosmetic C1–C8, alone or as a pair ("F5 C6").
 * - GB_T_45656_2025 and T_TAF_173_2023: their level names are an open gap in the reference
 *   (../shared/reference/domain.md §9); recyclers report them as letter levels, S and A–E, optionally with
 *   a plus or minus.
 * - PROPRIETARY: the condition words common to Chinese recyclers' sheets (成色, below) plus the values the
 *   recycler registered as its own scheme (`registerGradingScheme`).
 */

/** Condition words (成色) every recycler's proprietary scheme includes. */
export const COMMON_CONDITION_WORDS: readonly string[] = [
  '全新',
  '准新',
  '99新',
  '98新',
  '95新',
  '9成新',
  '8成新',
  '7成新',
  '7成新及以下',
  '6成新',
  '5成新',
  '无法开机',
  '报废',
  '仅可拆件',
  '优',
  '良',
  '中',
  '差',
  '坏',
  '优秀',
  '良好',
  '一般',
  '较差',
];

/** A registered proprietary value: letters, digits, CJK, spaces and `+ -`, 1–16 characters. */
export const PROPRIETARY_VALUE_PATTERN = /^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff +-]{0,15}$/u;

const CTIA = /^(?:([0-9])\s*[-/ ]?\s*([A-D])?|([A-D]))$/u;
const R2 = /^(?:(F[1-6])\s*[-/ ]?\s*(C[1-8])?|(C[1-8]))$/u;
const LETTER_LEVEL = /^([SA-E])([+-]?)$/u;

/** The compact form a grade value is compared in: NFKC, uppercase, single spaces. */
function foldGradeValue(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/gu, ' ').toUpperCase();
}

/**
 * The canonical value of `value` in `scheme`, or undefined when the scheme does not know it.
 * `proprietary` is the submitting recycler's registered values (PROPRIETARY only).
 */
export function resolveGradeValue(scheme: GradeScheme, value: string, proprietary: ReadonlySet<string> = new Set()): string | undefined {
  const folded = foldGradeValue(value);
  switch (scheme) {
    case 'CTIA': {
      const match = CTIA.exec(folded);
      if (match === null) return undefined;
      return match[3] ?? (match[2] === undefined ? match[1] : `${match[1]} ${match[2]}`);
    }
    case 'R2_REC': {
      const match = R2.exec(folded);
      if (match === null) return undefined;
      return match[3] ?? (match[2] === undefined ? match[1] : `${match[1]} ${match[2]}`);
    }
    case 'GB_T_45656_2025':
    case 'T_TAF_173_2023': {
      const match = LETTER_LEVEL.exec(folded);
      return match === null ? undefined : `${match[1]}${match[2]}`;
    }
    case 'PROPRIETARY': {
      const plain = value.normalize('NFKC').trim().replace(/\s+/gu, ' ');
      if (COMMON_CONDITION_WORDS.includes(plain) || proprietary.has(plain)) return plain;
      return undefined;
    }
  }
}
