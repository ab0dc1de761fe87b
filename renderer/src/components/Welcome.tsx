import { useState } from 'react';
import { useApp, useT } from '../store/use-app';
import { Card, ErrorBanner, Field, Spinner } from './common';

export function Welcome() {
  const t = useT();
  const recent = useApp((s) => s.recent);
  const busy = useApp((s) => s.busy);
  const openWorkspace = useApp((s) => s.openWorkspace);
  const createWorkspace = useApp((s) => s.createWorkspace);
  const openDemo = useApp((s) => s.openDemo);
  const [dir, setDir] = useState('');
  const [account, setAccount] = useState('');
  return (
    <div className="welcome" data-testid="welcome">
      <div className="welcome-brand">
        <Logo />
        <div>
          <h1>{t('appName')}</h1>
          <p>{t('tagline')}</p>
        </div>
      </div>
      <ErrorBanner />
      <div className="welcome-grid">
        <Card title={t('welcome.title')}>
          <p className="muted">{t('welcome.body')}</p>
          <Field label={t('welcome.path')}>
            <input
              data-testid="welcome-dir"
              value={dir}
              onChange={(e) => setDir(e.target.value)}
              placeholder="/home/me/certkit/my-store"
              dir="ltr"
            />
          </Field>
          <Field label={t('welcome.account')}>
            <input value={account} onChange={(e) => setAccount(e.target.value)} placeholder="My Store" />
          </Field>
          <div className="row gap">
            <button
              type="button"
              className="btn btn-primary"
              disabled={!dir || busy['workspace.open']}
              onClick={() => openWorkspace(dir)}
              data-testid="welcome-open"
            >
              {t('welcome.open')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={!dir || busy['workspace.init']}
              onClick={() => createWorkspace(dir, account)}
            >
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
    </div>
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
