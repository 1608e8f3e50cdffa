/** Simplified Chinese is the default; English is the other language every text exists in. */
export type Lang = 'zh' | 'en';

/** The same text in both languages. */
export type Localized = Readonly<Record<Lang, string>>;
