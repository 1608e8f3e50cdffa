import type { WipeLevel, WipeStandard, WipeTechnique } from '../../src/documents/documents.generated.ts';

export interface WipeMethod {
  standard?: WipeStandard;
  level: WipeLevel;
  technique?: WipeTechnique;
}

/**
 * The recycler's wipe methods (数据清除) → the non-private part of a wipe record. Only what the word states:
 * 物理销毁 names no standard, NIST 800-88 清除 no technique, 恢复出厂设置 does not say the device was
 * encrypted (which encrypted_factory_reset would claim). Keys are phraseKey() forms.
 */
export const WIPE_METHODS: Readonly<Record<string, WipeMethod>> = {
  国标覆写: { standard: 'GB_INFO_CLEARANCE_2025', level: 'clear', technique: 'overwrite' },
  国标块擦除: { standard: 'GB_INFO_CLEARANCE_2025', level: 'clear', technique: 'block_erase' },
  'NIST800-88清除': { standard: 'NIST_800_88_R1', level: 'clear' },
  'NIST800-88净化': { standard: 'NIST_800_88_R1', level: 'purge' },
  'NIST800-88销毁': { standard: 'NIST_800_88_R1', level: 'destroy' },
  加密擦除: { level: 'purge', technique: 'crypto_erase' },
  消磁: { level: 'purge', technique: 'degauss' },
  物理销毁: { level: 'destroy', technique: 'physical' },
  恢复出厂设置: { standard: 'VENDOR_RESET', level: 'clear' },
};
