import { useLayoutEffect, useState } from 'preact/hooks';
import type { Lang } from './lang.ts';

// Simplified Chinese is the default; English is one click away and remembered in this browser.

const STORAGE_KEY = 'tradein-hub.lang';

/** `?lang=en` in the link wins (a platform may link in English), then the user's last choice, then Chinese. */
function initialLang(): Lang {
  const fromLink = new URLSearchParams(location.search).get('lang');
  if (fromLink === 'zh' || fromLink === 'en') return fromLink;
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    // Storage blocked (private mode, sandboxed frame): the default is fine.
    return 'zh';
  }
}

/** The page language, kept in `<html lang>` so screen readers and fonts follow it. */
export function useLang(): [Lang, (lang: Lang) => void] {
  const [lang, setLang] = useState<Lang>(initialLang);
  // Layout effect: the attribute changes in the same frame as the text, never a frame behind it.
  useLayoutEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const choose = (next: Lang) => {
    setLang(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; the switch still works for this visit.
    }
  };
  return [lang, choose];
}

/** Two buttons, the current one pressed; each names its language in that language. */
export function LangSwitch({ lang, onChange }: { lang: Lang; onChange: (lang: Lang) => void }) {
  return (
    <div class="lang-switch" role="group" aria-label={lang === 'zh' ? '语言' : 'Language'}>
      <button type="button" lang="zh-CN" aria-pressed={lang === 'zh'} onClick={() => onChange('zh')}>
        中文
      </button>
      <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => onChange('en')}>
        English
      </button>
    </div>
  );
}

/** The bar above both pages: the hub's name and the language switch. */
export function PageHeader({ lang, onLang }: { lang: Lang; onLang: (lang: Lang) => void }) {
  return (
    <header class="page-header">
      <div class="page-header-inner">
        <p class="hub-name">{lang === 'zh' ? '以旧换新数据交换中心' : 'Trade-in Exchange Hub'}</p>
        <LangSwitch lang={lang} onChange={onLang} />
      </div>
    </header>
  );
}
