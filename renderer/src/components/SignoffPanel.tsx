import { useEffect, useId, useState } from 'react';
import type { FlowDetail } from '../../../shared/api/contract';
import { PACKAGE_BLOCKERS, type Blocker, type SignoffAction } from '../../../shared/schema/signoff';
import type { StringKey } from '../i18n/strings';
import { useApp, useCatalogName, useCheckText, useT } from '../store/use-app';
import { Badge, BidiText, Card, Spinner } from './common';

/** The words of one blocker, in the interface language, from its kind and the catalog's names. */
function useBlockerText(): (b: Blocker) => string {
  const t = useT();
  const name = useCatalogName();
  const plan = useApp((s) => s.plan);
  return (b) => {
    const scenario = b.scenario
      ? name('scenario', b.scenario, plan?.scenarios.find((s) => s.id === b.scenario)?.title ?? b.scenario)
      : '';
    const slot = b.slot ? name('slot', b.slot, b.slot) : '';
    const checkpoint = b.checkpoint
      ? name('checkpoint', b.checkpoint, plan?.checkpoints.find((c) => c.id === b.checkpoint)?.title ?? b.checkpoint)
      : '';
    return t(`blocker.${b.kind}` as StringKey)
      .replace('{scenario}', scenario)
      .replace('{slot}', slot)
      .replace('{checkpoint}', checkpoint);
  };
}

/** Picks the flow step that shows a slot and tags it, right where the blocker is listed. */
function TagStepForm({ scenario, slot, onDone }: { scenario: string; slot: string; onDone: () => void }) {
  const t = useT();
  const name = useCatalogName();
  const tagStep = useApp((s) => s.tagStep);
  const fetchFlow = useApp((s) => s.fetchFlow);
  const [flow, setFlow] = useState<FlowDetail>();
  const [step, setStep] = useState('');
  const id = useId();
  useEffect(() => {
    let live = true;
    void fetchFlow(scenario).then((f) => live && setFlow(f));
    return () => {
      live = false;
    };
  }, [fetchFlow, scenario]);
  if (!flow) return <Spinner />;
  return (
    <div className="fix-form">
      <label className="field-label" htmlFor={id}>
        {t('signoff.whichStep').replace('{slot}', name('slot', slot, slot))}
      </label>
      <div className="row gap-s wrap">
        <select id={id} value={step} onChange={(e) => setStep(e.target.value)} data-testid={`tag-step-${slot}`}>
          <option value="">{t('signoff.pickStep')}</option>
          {flow.steps.map((s) => (
            <option key={s.index} value={s.index} dir="ltr">
              {s.index + 1}. {s.label}
              {s.slot ? ` [${s.slot}]` : ''}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-primary"
          disabled={step === ''}
          data-testid={`tag-apply-${slot}`}
          onClick={async () => {
            if (await tagStep(Number(step), slot, flow.name)) onDone();
          }}
        >
          {t('signoff.tag')}
        </button>
      </div>
    </div>
  );
}

function NoteForm({ checkpoint, onDone }: { checkpoint: string; onDone: () => void }) {
  const t = useT();
  const confirm = useApp((s) => s.confirm);
  const [note, setNote] = useState('');
  const id = useId();
  return (
    <div className="fix-form">
      <label className="field-label" htmlFor={id}>
        {t('checks.note')}
      </label>
      <textarea
        id={id}
        dir="auto"
        rows={2}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        data-testid={`signoff-note-${checkpoint}`}
      />
      <button
        type="button"
        className="btn btn-primary"
        disabled={!note.trim()}
        data-testid={`signoff-confirm-${checkpoint}`}
        onClick={async () => {
          if (await confirm(checkpoint, true, note.trim())) onDone();
        }}
      >
        {t('checks.confirm')}
      </button>
    </div>
  );
}

function SnippetForm({ slot, onDone }: { slot: string; onDone: () => void }) {
  const t = useT();
  const addSnippet = useApp((s) => s.addSnippet);
  const [code, setCode] = useState('');
  const id = useId();
  return (
    <div className="fix-form">
      <label className="field-label" htmlFor={id}>
        {t('evidence.snippetCode')}
      </label>
      <textarea
        id={id}
        className="code"
        dir="ltr"
        rows={5}
        spellCheck={false}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        data-testid={`signoff-snippet-${slot}`}
      />
      <button
        type="button"
        className="btn btn-primary"
        disabled={!code.trim()}
        data-testid={`signoff-snippet-add-${slot}`}
        onClick={async () => {
          if (await addSnippet(slot, code)) onDone();
        }}
      >
        {t('evidence.addSnippet')}
      </button>
    </div>
  );
}

type Opened = 'tag' | 'note' | 'snippet' | undefined;

/** One action as a button; the ones that need a word from the person open a small form under the item. */
function ActionButton({
  action,
  primary,
  open,
  setOpen,
}: {
  action: SignoffAction;
  primary: boolean;
  open: Opened;
  setOpen: (o: Opened) => void;
}) {
  const t = useT();
  const running = useApp((s) => s.run.running);
  const startRun = useApp((s) => s.startRun);
  const goTo = useApp((s) => s.goTo);
  const step = useApp((s) => s.step);
  const goToAndFocus = useApp((s) => s.goToAndFocus);
  const setImportFor = useApp((s) => s.setImportFor);
  const verify = useApp((s) => s.verify);
  const buildPackage = useApp((s) => s.buildPackage);
  const busy = useApp((s) => s.busy);
  const othersBlock = useApp((s) => !!s.signoff?.blockers.some((b) => !PACKAGE_BLOCKERS.includes(b.kind)));
  const cls = `btn small ${primary ? 'btn-primary' : ''}`;
  const rerun = (ids: string[]) => {
    void startRun({ only: ids });
    if (step !== 'run') goTo('run');
  };
  switch (action.action) {
    case 'rerun':
      return (
        <button
          type="button"
          className={cls}
          disabled={running}
          onClick={() => rerun([action.scenario])}
          data-testid={`fix-rerun-${action.scenario}`}
        >
          {t('signoff.rerun')}
        </button>
      );
    case 'add-flow':
      return (
        <button
          type="button"
          className={cls}
          onClick={() => {
            setImportFor(action.scenario);
            goToAndFocus('flows', 'flow-file-input');
          }}
          data-testid={`fix-add-flow-${action.scenario}`}
        >
          {t('signoff.addFlow')}
        </button>
      );
    case 'tag-step':
      return (
        <button
          type="button"
          className={cls}
          aria-expanded={open === 'tag'}
          onClick={() => setOpen(open === 'tag' ? undefined : 'tag')}
          data-testid={`fix-tag-${action.scenario}-${action.slot}`}
        >
          {t('signoff.tagStep')}
        </button>
      );
    case 'add-snippet':
      return (
        <button
          type="button"
          className={cls}
          aria-expanded={open === 'snippet'}
          onClick={() => setOpen(open === 'snippet' ? undefined : 'snippet')}
          data-testid={`fix-snippet-${action.slot}`}
        >
          {t('signoff.addSnippet')}
        </button>
      );
    case 'confirm':
      return (
        <button
          type="button"
          className={cls}
          aria-expanded={open === 'note'}
          onClick={() => setOpen(open === 'note' ? undefined : 'note')}
          data-testid={`fix-confirm-${action.checkpoint}`}
        >
          {t('signoff.confirm')}
        </button>
      );
    case 'fix-integration':
      return (
        <>
          {action.rerun.length > 0 && (
            <button
              type="button"
              className={cls}
              disabled={running}
              onClick={() => rerun(action.rerun)}
              data-testid={`fix-rerun-check-${action.checkpoint}`}
            >
              {t('signoff.rerunMany').replace('{n}', String(action.rerun.length))}
            </button>
          )}
          {action.probe && (
            <button type="button" className="btn small" disabled={busy['checks.verify']} onClick={() => verify(true)}>
              {t('signoff.probe')}
            </button>
          )}
        </>
      );
    case 'probe':
      return (
        <button
          type="button"
          className={cls}
          disabled={busy['checks.verify']}
          onClick={() => verify(true)}
          data-testid="fix-probe"
        >
          {busy['checks.verify'] && <Spinner />}
          {t('signoff.probe')}
        </button>
      );
    case 'unpin':
      return (
        <button type="button" className={cls} onClick={() => goTo('evidence')}>
          {t('signoff.unpin')}
        </button>
      );
    case 'build-package':
      // The final package is refused while anything else blocks sign-off; the button waits for those.
      return (
        <button
          type="button"
          className={cls}
          disabled={busy['package.build'] || othersBlock}
          title={othersBlock ? t('signoff.buildAfter') : undefined}
          onClick={() => void buildPackage()}
          data-testid="fix-build-package"
        >
          {busy['package.build'] && <Spinner />}
          {t('signoff.build')}
        </button>
      );
  }
}

function BlockerItem({ blocker }: { blocker: Blocker }) {
  const text = useBlockerText();
  const lang = useApp((s) => s.lang);
  const checkText = useCheckText();
  const checks = useApp((s) => s.checks);
  const [open, setOpen] = useState<Opened>();
  const result = blocker.checkpoint ? checks?.find((c) => c.checkpointId === blocker.checkpoint) : undefined;
  const check = result ? checkText(result) : undefined;
  // A page the flow now has a step for still lacks its screenshot until the scenario runs again: offer that first.
  const tagged = useApp(
    (s) =>
      blocker.kind === 'slot-missing' &&
      !!blocker.slot &&
      !!s.flows.find((f) => f.name === blocker.scenario)?.slots.includes(blocker.slot),
  );
  const actions: SignoffAction[] = [
    ...(tagged && blocker.scenario ? [{ action: 'rerun' as const, scenario: blocker.scenario }] : []),
    blocker.fix,
    ...blocker.alternatives,
  ];
  const close = () => setOpen(undefined);
  return (
    <li
      className={`blocker blocker-${blocker.kind}`}
      data-testid="blocker"
      data-kind={blocker.kind}
      data-scenario={blocker.scenario}
      data-slot={blocker.slot}
      data-checkpoint={blocker.checkpoint}
    >
      <div className="blocker-main">
        <p className="blocker-text">{text(blocker)}</p>
        {blocker.kind === 'scenario-failed' &&
          (lang === 'ar' && blocker.reasonAr ? (
            <p className="small muted" lang="ar" dir="rtl" data-testid="blocker-reason">
              <BidiText text={blocker.reasonAr} />
            </p>
          ) : (
            <p className="small muted" dir="ltr" data-testid="blocker-reason">
              {blocker.message}
            </p>
          ))}
        {blocker.kind === 'checkpoint-failed' && check?.fix && (
          <p className="small fix" lang={check.lang} dir="auto">
            {check.lang === 'ar' ? <BidiText text={check.fix} /> : check.fix}
          </p>
        )}
      </div>
      <div className="blocker-actions">
        {actions.map((a, i) => (
          <ActionButton key={`${a.action}-${i}`} action={a} primary={i === 0} open={open} setOpen={setOpen} />
        ))}
      </div>
      {open === 'tag' && blocker.fix.action === 'tag-step' && (
        <TagStepForm scenario={blocker.fix.scenario} slot={blocker.fix.slot} onDone={close} />
      )}
      {open === 'note' && blocker.checkpoint && <NoteForm checkpoint={blocker.checkpoint} onDone={close} />}
      {open === 'snippet' && blocker.slot && <SnippetForm slot={blocker.slot} onDone={close} />}
    </li>
  );
}

/**
 * What still stands between the workspace and its sign-off, asked of the engine each time it is shown, so a build
 * or a saved email never hides it. Each item carries the button that does its fix.
 */
export function SignoffPanel() {
  const t = useT();
  const signoff = useApp((s) => s.signoff);
  const load = useApp((s) => s.loadSignoff);
  const loading = useApp((s) => s.busy['signoff.status']);
  useEffect(() => {
    void load();
  }, [load]);
  const count = signoff?.blockers.length ?? 0;
  return (
    <Card
      title={t('signoff.title')}
      testId="signoff"
      className={signoff && !signoff.ready ? 'card-attention' : ''}
      actions={
        signoff && (
          <Badge tone={signoff.ready ? 'ok' : 'bad'} testId="signoff-count">
            {signoff.ready ? t('signoff.ready') : t('signoff.count').replace('{n}', String(count))}
          </Badge>
        )
      }
    >
      {!signoff && loading && <Spinner />}
      {signoff?.ready && <p data-testid="signoff-ready">{t('signoff.readyText')}</p>}
      {signoff && !signoff.ready && (
        <ul className="blockers" aria-label={t('signoff.title')}>
          {signoff.blockers.map((b, i) => (
            <BlockerItem key={`${b.kind}-${b.scenario ?? ''}-${b.slot ?? ''}-${b.checkpoint ?? ''}-${i}`} blocker={b} />
          ))}
        </ul>
      )}
    </Card>
  );
}
