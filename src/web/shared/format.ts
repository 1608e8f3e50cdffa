import type { Lang } from './lang.ts';

const LOCALES: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

/** Integer fen (a number or a 64-bit string) as yuan with two decimals, e.g. ¥1,800.00; exact for strings. */
export function formatFen(fen: number | string | null | undefined, lang: Lang): string {
  if (fen === null || fen === undefined || fen === '') return '—';
  const text = typeof fen === 'number' ? String(Math.round(fen)) : fen.trim();
  if (!/^-?\d+$/.test(text)) return '—';
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(3, '0');
  const yuan = BigInt(digits.slice(0, -2)).toLocaleString(LOCALES[lang]);
  return `${negative ? '−' : ''}¥${yuan}.${digits.slice(-2)}`;
}

/** An RFC 3339 instant in the reader's time zone, to the minute. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
}

/** An RFC 3339 instant as a date only, in the reader's time zone. */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALES[lang], { year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** A number with at most `digits` decimals in the page language's grouping. */
export function formatNumber(value: number | null | undefined, lang: Lang, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(LOCALES[lang], { maximumFractionDigits: digits });
}

/** A share in [0, 1] as a percentage. */
export function formatShare(value: number | null | undefined, lang: Lang, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toLocaleString(LOCALES[lang], { maximumFractionDigits: digits })}%`;
}

/** Basis points as a percentage, e.g. 5000 → 50%. */
export function formatBasisPoints(bp: number, lang: Lang): string {
  return formatShare(bp / 10_000, lang, 2);
}
