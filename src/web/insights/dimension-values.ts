import type { PolicyDimension } from '../../policy/policy-vocabulary.ts';
import type { Lang } from '../shared/lang.ts';
import { AGE_BANDS, CATEGORY_NAMES, CHANNEL_NAMES, DISPOSITION_NAMES, GRADE_NAMES, PROVINCE_NAMES, USAGE_BANDS, regionName } from '../shared/vocabulary.ts';

/** A dimension's value in words: codes get their names, models, brands and months stay as they are. */
export function dimensionValueName(dimension: string, value: string | null | undefined, lang: Lang, unknown: string): string {
  if (value === null || value === undefined) return unknown;
  switch (dimension as PolicyDimension) {
    case 'category':
    case 'newPurchaseCategory':
      return CATEGORY_NAMES[value as keyof typeof CATEGORY_NAMES]?.[lang] ?? value;
    case 'grade':
      return GRADE_NAMES[value as keyof typeof GRADE_NAMES]?.[lang] ?? value;
    case 'disposition':
      return DISPOSITION_NAMES[value as keyof typeof DISPOSITION_NAMES]?.[lang] ?? value;
    case 'channel':
      return CHANNEL_NAMES[value as keyof typeof CHANNEL_NAMES]?.[lang] ?? value;
    case 'province':
      return PROVINCE_NAMES[value.slice(0, 2)]?.[lang] ?? value;
    case 'prefecture':
      return regionName(value, lang);
    case 'ageBand':
      return AGE_BANDS.find((band) => band.code === value)?.name[lang] ?? value;
    case 'usageBand':
      return USAGE_BANDS.find((band) => band.code === value)?.name[lang] ?? value;
    default:
      return value;
  }
}
