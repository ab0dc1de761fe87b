import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { catalogName, type CatalogKind } from '../../../shared/aps/catalog-ar';
import { translate, type StringKey } from '../i18n/strings';
import type { AppState, AppStore } from './app-store';
import type { CheckResult } from '../../../shared/schema/verify';
import type { Language } from '../../../shared/aps/methods';
import { readsArabic } from '../../../shared/text';

export const StoreContext = createContext<AppStore | null>(null);

export function useApp<T>(select: (s: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreContext.Provider>');
  return useStore(store, select);
}

export function useT(): (key: StringKey) => string {
  const lang = useApp((s) => s.lang);
  return (key) => translate(lang, key);
}

/** Names of catalog entries (scenarios, slots, checkpoints) in the interface language; `english` is the fallback. */
export function useCatalogName(): (kind: CatalogKind, id: string, english: string) => string {
  const lang = useApp((s) => s.lang);
  return (kind, id, english) => catalogName(kind, id, english, lang);
}

/**
 * A checkpoint's summary and fix in the interface language, and the language they are in (a result saved by an older
 * Certkit has no Arabic, and shows its English marked as such).
 */
export function useCheckText(): (result: CheckResult) => { summary: string; fix?: string; lang: Language } {
  const lang = useApp((s) => s.lang);
  return (result) =>
    lang === 'ar' && result.ar && readsArabic(result.ar.summary)
      ? { summary: result.ar.summary, fix: result.ar.fix, lang: 'ar' }
      : { summary: result.summary, fix: result.fix, lang: 'en' };
}
