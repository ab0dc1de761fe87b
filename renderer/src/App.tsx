import { useEffect, useRef } from 'react';
import { ErrorBanner } from './components/common';
import { LanguageSwitch, Logo, Welcome } from './components/Welcome';
import { STEPS, type StepId } from './store/app-store';
import { useApp, useT } from './store/use-app';
import { ChecklistStep } from './steps/ChecklistStep';
import { EmailStep } from './steps/EmailStep';
import { EvidenceStep } from './steps/EvidenceStep';
import { FlowsStep } from './steps/FlowsStep';
import { PackageStep } from './steps/PackageStep';
import { ProjectStep } from './steps/ProjectStep';
import { RunStep } from './steps/RunStep';

const VIEWS: Record<StepId, () => React.JSX.Element | null> = {
  project: ProjectStep,
  flows: FlowsStep,
  run: RunStep,
  evidence: EvidenceStep,
  checklist: ChecklistStep,
  package: PackageStep,
  email: EmailStep,
};

function SaveState() {
  const t = useT();
  const save = useApp((s) => s.save);
  if (save === 'idle') return null;
  const text = save === 'saving' ? t('common.saving') : save === 'saved' ? t('common.saved') : t('common.notSaved');
  return (
    <span className={`save-state save-${save}`} data-testid="save-state" role="status">
      {text}
    </span>
  );
}

function Sidebar() {
  const t = useT();
  const step = useApp((s) => s.step);
  const goTo = useApp((s) => s.goTo);
  const ws = useApp((s) => s.ws);
  const running = useApp((s) => s.run.running);
  const info = useApp((s) => s.info);
  return (
    <nav className="sidebar" aria-label={t('nav.steps')}>
      <div className="sidebar-inner">
        <div className="brand">
          <Logo />
          <div>
            <div className="brand-name">{t('appName')}</div>
            <div className="brand-sub">{t('tagline')}</div>
          </div>
        </div>
        <ol className="steps">
          {STEPS.map((id, i) => (
            <li key={id}>
              <button
                type="button"
                className={`step ${step === id ? 'active' : ''}`}
                onClick={() => goTo(id)}
                data-testid={`nav-${id}`}
                aria-current={step === id ? 'step' : undefined}
              >
                <span className="step-num" aria-hidden="true">
                  {i + 1}
                </span>
                <span className="step-text">
                  <span className="step-name">
                    {t(`step.${id}`)}
                    {id === 'run' && running && (
                      <>
                        <span className="pulse" aria-hidden="true" />
                        <span className="visually-hidden">{t('run.running')}</span>
                      </>
                    )}
                  </span>
                  <span className="step-hint">{t(`step.${id}.hint`)}</span>
                </span>
              </button>
            </li>
          ))}
        </ol>
        <div className="sidebar-foot">
          <div className="small sidebar-label">{t('common.workspace')}</div>
          <div className="mono small ws-path" dir="ltr" title={ws?.dir}>
            {ws?.dir}
          </div>
          <div className="row between center">
            <LanguageSwitch className="btn-ghost small" />
            {info && <span className="small sidebar-label">v{info.version}</span>}
          </div>
        </div>
      </div>
    </nav>
  );
}

export function App() {
  const t = useT();
  const ws = useApp((s) => s.ws);
  const step = useApp((s) => s.step);
  const lang = useApp((s) => s.lang);
  const goTo = useApp((s) => s.goTo);
  const booted = useApp((s) => s.booted);
  const heading = useRef<HTMLHeadingElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const shownStep = useRef<StepId | undefined>(undefined);
  const focusRequest = useApp((s) => s.focusRequest);
  const requestSeen = useRef(0);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  }, [lang]);

  // A new step starts at its top, and keyboard and screen-reader users land on its heading, not in the sidebar.
  // The first step shown after opening a workspace is left alone: focus stays where the person put it.
  useEffect(() => {
    if (!ws) {
      shownStep.current = undefined;
      return;
    }
    if (shownStep.current !== undefined && shownStep.current !== step) {
      if (content.current) content.current.scrollTop = 0;
      // A fix that brought the person here to a field (useFocusRequest in the step) keeps focus on that field.
      const toField = !!focusRequest && focusRequest.seq !== requestSeen.current;
      if (!toField) heading.current?.focus();
    }
    if (focusRequest) requestSeen.current = focusRequest.seq;
    shownStep.current = step;
  }, [step, ws, focusRequest]);

  if (!booted) return null;
  if (!ws) return <Welcome />;
  const View = VIEWS[step];
  const index = STEPS.indexOf(step);
  return (
    <div className="layout">
      <Sidebar />
      <main className="main">
        <header className="topbar">
          <div className="topbar-title">
            <div className="crumb small muted">
              <span dir="ltr">
                {index + 1} / {STEPS.length}
              </span>{' '}
              · <bdi>{ws.workspace.account.name}</bdi>
            </div>
            <h1 data-testid="step-title" ref={heading} tabIndex={-1}>
              {t(`step.${step}`)}
            </h1>
          </div>
          <div className="row gap center">
            <SaveState />
            <button
              type="button"
              className="btn btn-ghost"
              disabled={index === 0}
              onClick={() => goTo(STEPS[index - 1])}
            >
              {t('common.back')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={index === STEPS.length - 1}
              onClick={() => goTo(STEPS[index + 1])}
              data-testid="next"
            >
              {t('common.next')}
            </button>
          </div>
        </header>
        <ErrorBanner />
        <div className="content" data-testid={`step-${step}`} ref={content}>
          <View />
        </div>
      </main>
    </div>
  );
}
