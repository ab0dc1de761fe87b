import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { catalogName, type CatalogKind } from '../../../shared/aps/catalog-ar';
import { translate, type StringKey } from '../i18n/strings';
import type { AppState, AppStore } from './app-store';
import type { CheckResult } from '../../../shared/schema/verify';

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

/** A checkpoint's summary and fix in the interface language. */
export function useCheckText(): (result: CheckResult) => { summary: string; fix?: string } {
  return (result) => ({ summary: result.summary, fix: result.fix });
}
