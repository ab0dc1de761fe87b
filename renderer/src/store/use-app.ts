import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { translate, type StringKey } from '../i18n/strings';
import type { AppState, AppStore } from './app-store';

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
