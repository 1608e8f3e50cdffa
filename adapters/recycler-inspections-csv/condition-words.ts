import type { Grade } from '../../src/documents/documents.generated.ts';

/**
 * The recycler's condition words (成色) → hub grade. The hub's own labels decide the crosswalk: 95新 is
 * "light wear" (B: 轻微使用痕迹), 9成新 "visible wear" (C: 明显使用痕迹), 8成新 still works with more wear (C),
 * 7成新及以下 is heavy wear (D), 无法开机 does not power on (E). The original word travels as gradeValue under
 * gradeScheme PROPRIETARY, so the crosswalk can be revisited without losing information.
 */
export const CONDITION_GRADES: Readonly<Record<string, Grade>> = {
  全新: 'A',
  '99新': 'A',
  '95新': 'B',
  '9成新': 'C',
  '8成新': 'C',
  '7成新': 'D',
  '7成新及以下': 'D',
  无法开机: 'E',
  报废: 'X',
  仅可拆件: 'X',
};

/** Condition words that are also a fault in their own right. */
export const CONDITION_FAULTS: Readonly<Record<string, 'no_power'>> = { 无法开机: 'no_power' };
