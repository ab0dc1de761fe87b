import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { catalogName, type CatalogKind } from '../../../shared/aps/catalog-ar';
import { translate, type StringKey } from '../i18n/strings';
import type { AppState, AppStore } from './app-store';
import type { CheckResult } from '../../../shared/schema/verify';
import type { Language } from '../../../shared/aps/methods';
import { readsArabic } from '../../../shared/text';
import { SCREENSHOT_SLOTS } from '../../../shared/aps/slots';

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

const SLOT_NAMES = new Map(SCREENSHOT_SLOTS.map((x) => [x.id, x.checklistName]));

/**
 * Names of catalog entries (scenarios, slots, checkpoints) in the interface language; `english` is the fallback. A
 * slot passed with its id as the fallback reads by its checklist name in English, not as the bare id.
 */
export function useCatalogName(): (kind: CatalogKind, id: string, english: string) => string {
  const lang = useApp((s) => s.lang);
  return (kind, id, english) =>
    catalogName(kind, id, kind === 'slot' && english === id ? (SLOT_NAMES.get(id) ?? id) : english, lang);
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
