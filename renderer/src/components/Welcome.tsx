import { useEffect, useId, useState } from 'react';
import type { CallOutput } from '../../../shared/api/contract';
import { isAbsolutePath } from '../../../shared/paths';
import { useApp, useT } from '../store/use-app';
import { Card, ErrorBanner, Spinner } from './common';

type Inspection = CallOutput<'workspace.inspect'>;

/** Switches the interface language; named in the language it switches to, so either reader finds it. */
export function LanguageSwitch({ className }: { className?: string }) {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const setLang = useApp((s) => s.setLang);
  const other = lang === 'en' ? 'ar' : 'en';
  return (
    <button
      type="button"
      className={`btn ${className ?? ''}`}
      onClick={() => setLang(other)}
      data-testid="lang-toggle"
      lang={other}
      title={t('common.languageSwitch')}
    >
      {t('common.language')}
    </button>
  );
}

/** What the typed folder is, asked of the engine shortly after typing stops. */
function useInspection(dir: string): Inspection | undefined {
  const inspect = useApp((s) => s.inspectFolder);
  const [result, setResult] = useState<{ dir: string; value?: Inspection }>();
  useEffect(() => {
    if (!dir.trim() || !isAbsolutePath(dir.trim())) return;
    let live = true;
    const timer = setTimeout(() => {
      void inspect(dir.trim()).then((value) => live && setResult({ dir, value }));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [dir, inspect]);
  return result?.dir === dir ? result.value : undefined;
}

function FolderStatus({ dir, inspection }: { dir: string; inspection?: Inspection }) {
  const t = useT();
  if (!dir.trim()) return <span className="field-hint">{t('welcome.pathHint')}</span>;
  if (!isAbsolutePath(dir.trim()))
    return (
      <span className="field-hint text-bad" data-testid="welcome-dir-status" data-state="relative">
        {t('welcome.pathRelative')}
      </span>
    );
  if (!inspection) return <span className="field-hint">{t('common.checking')}</span>;
  const [state, text] = !inspection.exists
    ? ['new', t('welcome.pathNew')]
    : !inspection.folder
      ? ['file', t('welcome.pathFile')]
      : inspection.workspace
        ? ['workspace', `${t('welcome.pathWorkspace')}${inspection.account ? ` (${inspection.account})` : ''}`]
        : inspection.empty
          ? ['empty', t('welcome.pathEmpty')]
          : ['folder', t('welcome.pathFolder')];
  return (
    <span
      className={`field-hint ${state === 'file' ? 'text-bad' : ''}`}
      data-testid="welcome-dir-status"
      data-state={state}
    >
      {text}
    </span>
  );
}

export function Welcome() {
  const t = useT();
  const recent = useApp((s) => s.recent);
  const busy = useApp((s) => s.busy);
  const info = useApp((s) => s.info);
  const openWorkspace = useApp((s) => s.openWorkspace);
  const createWorkspace = useApp((s) => s.createWorkspace);
  const openDemo = useApp((s) => s.openDemo);
  const pickFolder = useApp((s) => s.pickFolder);
  const [dir, setDir] = useState('');
  const [account, setAccount] = useState('');
  const inspection = useInspection(dir);
  const dirId = useId();
  const statusId = useId();
  const absolute = isAbsolutePath(dir.trim());
  const canOpen = absolute && !!inspection?.workspace;
  const canCreate = absolute && !!inspection && !inspection.workspace && (!inspection.exists || inspection.folder);
  return (
    <main className="welcome" data-testid="welcome">
      <div className="welcome-top">
        <div className="welcome-brand">
          <Logo />
          <div>
            <h1>{t('appName')}</h1>
            <p>{t('tagline')}</p>
          </div>
        </div>
        <LanguageSwitch />
      </div>
      <ErrorBanner />
      <div className="welcome-grid">
        <Card title={t('welcome.title')}>
          <p className="muted">{t('welcome.body')}</p>
          <div className="field">
            <label className="field-label" htmlFor={dirId}>
              {t('welcome.path')}
            </label>
            <div className="row gap-s">
              <input
                id={dirId}
                data-testid="welcome-dir"
                value={dir}
                onChange={(e) => setDir(e.target.value)}
                placeholder={t('welcome.pathPlaceholder')}
                aria-describedby={statusId}
                aria-invalid={!!dir.trim() && !absolute}
                spellCheck={false}
                autoComplete="off"
                dir="ltr"
              />
              {info?.transport === 'electron' && (
                <button
                  type="button"
                  className="btn"
                  data-testid="welcome-pick"
                  onClick={async () => {
                    const picked = await pickFolder(t('welcome.pickTitle'));
                    if (picked) setDir(picked);
                  }}
                >
                  {t('welcome.pick')}
                </button>
              )}
            </div>
            <span id={statusId} aria-live="polite">
              <FolderStatus dir={dir} inspection={absolute ? inspection : undefined} />
            </span>
          </div>
          {canCreate && (
            <label className="field">
              <span className="field-label">{t('welcome.account')}</span>
              <input
                value={account}
                onChange={(e) => setAccount(e.target.value)}
                placeholder={t('welcome.accountPlaceholder')}
                data-testid="welcome-account"
              />
            </label>
          )}
          <div className="row gap wrap">
            <button
              type="button"
              className={`btn ${canOpen ? 'btn-primary' : ''}`}
              disabled={!canOpen || busy['workspace.open']}
              onClick={() => openWorkspace(dir.trim())}
              data-testid="welcome-open"
            >
              {busy['workspace.open'] && <Spinner />}
              {t('welcome.open')}
            </button>
            <button
              type="button"
              className={`btn ${canCreate ? 'btn-primary' : ''}`}
              disabled={!canCreate || busy['workspace.init']}
              onClick={() => createWorkspace(dir.trim(), account)}
              data-testid="welcome-create"
            >
              {busy['workspace.init'] && <Spinner />}
              {t('welcome.create')}
            </button>
          </div>
        </Card>
        <div className="stack">
          <Card title={t('welcome.demo')}>
            <p className="muted">{t('welcome.demoHint')}</p>
            <button
              type="button"
              className="btn"
              onClick={openDemo}
              disabled={busy['workspace.demo']}
              data-testid="welcome-demo"
            >
              {busy['workspace.demo'] && <Spinner />} {t('welcome.demo')}
            </button>
          </Card>
          <Card title={t('welcome.recent')}>
            {recent.length === 0 && <p className="muted">{t('welcome.none')}</p>}
            <ul className="recent">
              {recent.map((d) => (
                <li key={d}>
                  <button type="button" className="link mono" dir="ltr" onClick={() => openWorkspace(d)}>
                    {d}
                  </button>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
    </main>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 64 64" aria-hidden="true">
      <rect width="64" height="64" rx="14" fill="#0f2f4f" />
      <path
        d="M18 33l9 9 19-21"
        fill="none"
        stroke="#ffb547"
        strokeWidth="7"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
