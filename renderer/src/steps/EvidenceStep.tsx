import { useEffect, useId, useState } from 'react';
import type { EvidenceScenario } from '../../../shared/api/contract';
import { Badge, BidiText, Card, Dialog, statusTone, useFocusRequest } from '../components/common';
import { imageKey } from '../store/app-store';
import { AttachScreenCard } from './AttachScreenCard';
import { useApp, useCatalogName, useT } from '../store/use-app';

const LEDGER_COLUMNS = ['merchant_reference', 'fort_id', 'response_code', 'status', 'agreement_id'] as const;
const THUMB_WIDTH = 360;

type ShotRef = { scenario: EvidenceScenario; shot: EvidenceScenario['screenshots'][number] };
const FULL_WIDTH = 1400;

/** A screenshot at full size, as a modal dialog named after its scenario and page. */
function Viewer({ open, onClose }: { open: ShotRef; onClose: () => void }) {
  const t = useT();
  const catalogName = useCatalogName();
  const { scenario, shot } = open;
  const key = imageKey(scenario.runId!, scenario.id, shot.file, FULL_WIDTH);
  const src = useApp((s) => s.images[key]);
  const loadImage = useApp((s) => s.loadImage);
  useEffect(() => {
    void loadImage(scenario.runId!, scenario.id, shot.file, FULL_WIDTH);
  }, [scenario, shot, loadImage]);
  const page = shot.slot ? catalogName('slot', shot.slot, shot.slot) : shot.stepLabel;
  return (
    <Dialog
      title={`${catalogName('scenario', scenario.id, scenario.title)} · ${page}`}
      onClose={onClose}
      className="lightbox"
      testId="lightbox"
      initialFocus="[data-close]"
    >
      <div className="lightbox-head row between center gap">
        <div className="lightbox-meta">
          <span className="mono small" dir="ltr">
            {shot.url}
          </span>
          <span className="small muted">
            <bdi dir="ltr">{shot.slot ?? shot.stepLabel}</bdi> · <bdi dir="ltr">{shot.capturedAt}</bdi>
          </span>
        </div>
        <button type="button" className="btn" onClick={onClose} data-close>
          {t('common.close')}
        </button>
      </div>
      <div className="lightbox-img" tabIndex={0} aria-label={t('evidence.imageRegion')} role="region">
        {src ? (
          <img src={src} alt={t('evidence.shotAlt').replace('{page}', page).replace('{url}', shot.url)} />
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </div>
    </Dialog>
  );
}

function Shot({ scenario, shot, onOpen }: ShotRef & { onOpen: () => void }) {
  const t = useT();
  const catalogName = useCatalogName();
  const key = scenario.runId ? imageKey(scenario.runId, scenario.id, shot.file, THUMB_WIDTH) : '';
  const src = useApp((s) => s.images[key]);
  const loadImage = useApp((s) => s.loadImage);
  useEffect(() => {
    if (scenario.runId) void loadImage(scenario.runId, scenario.id, shot.file, THUMB_WIDTH);
  }, [scenario.runId, scenario.id, shot.file, loadImage]);
  const page = shot.slot ? catalogName('slot', shot.slot, shot.slot) : shot.stepLabel;
  return (
    <figure className={`shot ${shot.failure ? 'shot-failure' : ''}`} data-slot={shot.slot}>
      {/* A real button: Enter and Space open it, and Space never scrolls the page. */}
      <button
        type="button"
        className="shot-img"
        onClick={onOpen}
        aria-label={t('evidence.openShot').replace('{page}', page)}
        data-testid={`shot-${scenario.id}-${shot.file}`}
      >
        {src ? <img src={src} alt="" loading="lazy" /> : <span className="thumb-empty" />}
      </button>
      <figcaption>
        {shot.slot && <Badge tone="info">{catalogName('slot', shot.slot, shot.slot)}</Badge>}
        <span className="mono small ellipsis" dir="ltr" title={shot.url}>
          {shot.url}
        </span>
      </figcaption>
    </figure>
  );
}

export function EvidenceStep() {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const catalogName = useCatalogName();
  const evidence = useApp((s) => s.evidence);
  const loadEvidence = useApp((s) => s.loadEvidence);
  const setLedger = useApp((s) => s.setLedger);
  const [method, setMethod] = useState<string>('');
  const [open, setOpen] = useState<ShotRef>();
  useFocusRequest(!!evidence);

  useEffect(() => {
    void loadEvidence();
  }, [loadEvidence]);

  if (!evidence) return <p className="muted">{t('common.loading')}</p>;
  const methods = [...new Set(evidence.scenarios.map((s) => s.method))];
  const shown = evidence.scenarios.filter((s) => !method || s.method === method);
  const groups = (['success', 'declined'] as const).map((outcome) => ({
    outcome,
    scenarios: shown.filter((s) => s.outcome === outcome),
  }));

  const snippetSlots = evidence.slots.filter((x) => x.kind === 'snippet');
  return (
    <div className="stack">
      {open && <Viewer open={open} onClose={() => setOpen(undefined)} />}
      <Card title={t('evidence.slots')} testId="slots">
        <ul className="slots">
          {evidence.slots.map((slot) => (
            <li
              key={slot.id}
              className={slot.filled ? 'slot-filled' : 'slot-missing'}
              data-testid={`slot-${slot.id}`}
              data-filled={slot.filled}
            >
              <span className="slot-dot" aria-hidden="true" />
              <span className="slot-name">
                <span>{catalogName('slot', slot.id, slot.checklistName)}</span>
                <span className="mono small muted" dir="ltr">
                  {slot.id}
                </span>
              </span>
              <Badge tone={slot.filled ? 'ok' : 'bad'}>
                {slot.filled ? t('evidence.filled') : t('evidence.missing')}
              </Badge>
            </li>
          ))}
        </ul>
      </Card>
      <Card
        title={t('evidence.gallery')}
        actions={
          <div className="tabs" role="group" aria-label={t('evidence.filter')}>
            <button type="button" className="tab" aria-pressed={!method} onClick={() => setMethod('')}>
              {t('evidence.all')}
            </button>
            {methods.map((m) => (
              <button type="button" key={m} className="tab" aria-pressed={method === m} onClick={() => setMethod(m)}>
                {m}
              </button>
            ))}
          </div>
        }
      >
        {groups.map(
          (g) =>
            g.scenarios.length > 0 && (
              <div key={g.outcome} className="outcome-group">
                <h3 className="sub">{t(`outcome.${g.outcome}`)}</h3>
                {g.scenarios.map((s) => (
                  <div
                    key={s.id}
                    className="gallery-scenario"
                    id={`ev-${s.id}`}
                    tabIndex={-1}
                    data-testid={`evidence-${s.id}`}
                  >
                    <div className="row between center gap">
                      <div className="scenario-name">
                        <strong>{catalogName('scenario', s.id, s.title)}</strong>
                        <span className="mono small muted" dir="ltr">
                          {s.id}
                        </span>
                      </div>
                      <Badge tone={statusTone(s.status)}>{t(`status.${s.status}`)}</Badge>
                    </div>
                    {s.error &&
                      (lang === 'ar' && s.errorAr ? (
                        <p className="small text-bad" lang="ar" data-testid={`evidence-error-${s.id}`}>
                          <BidiText text={s.errorAr} />
                        </p>
                      ) : (
                        <p className="small text-bad" dir="ltr" lang="en" data-testid={`evidence-error-${s.id}`}>
                          {s.error}
                        </p>
                      ))}
                    <div className="shots">
                      {s.screenshots.length === 0 && <p className="muted small">{t('evidence.noShots')}</p>}
                      {s.screenshots.map((sh) => (
                        <Shot key={sh.file} scenario={s} shot={sh} onOpen={() => setOpen({ scenario: s, shot: sh })} />
                      ))}
                    </div>
                  </div>
                ))}
              </div>
            ),
        )}
      </Card>
      <AttachScreenCard evidence={evidence} />
      {snippetSlots.length > 0 && <SnippetsCard slots={snippetSlots} />}
      <Card title={t('evidence.ledger')} testId="ledger">
        <p className="muted small">{t('evidence.ledgerHint')}</p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('evidence.ledger')}>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('run.scenario')}</th>
                {LEDGER_COLUMNS.map((c) => (
                  <th key={c} scope="col" className="mono" dir="ltr">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {evidence.scenarios.map((s) => (
                <tr key={s.id}>
                  <th scope="row" className="mono small" dir="ltr">
                    {s.id}
                  </th>
                  {LEDGER_COLUMNS.map((c) => (
                    <td key={c}>
                      <div className="ledger-cell">
                        <input
                          dir="ltr"
                          key={`${s.id}-${c}-${s.ledger.values[c] ?? ''}`}
                          defaultValue={s.ledger.values[c] ?? ''}
                          disabled={s.status === 'not-run'}
                          aria-label={`${c} · ${catalogName('scenario', s.id, s.title)}`}
                          data-testid={`ledger-${s.id}-${c}`}
                          onBlur={(e) => {
                            if (e.target.value !== (s.ledger.values[c] ?? '')) void setLedger(s.id, c, e.target.value);
                          }}
                        />
                        {s.ledger.sources[c] === 'manual' && <Badge tone="warn">{t('evidence.manual')}</Badge>}
                      </div>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}

function SnippetsCard({ slots }: { slots: { id: string; checklistName: string; filled: boolean }[] }) {
  const t = useT();
  const catalogName = useCatalogName();
  const addSnippet = useApp((s) => s.addSnippet);
  const [slot, setSlot] = useState(slots[0].id);
  const [code, setCode] = useState('');
  const slotId = useId();
  const codeId = useId();
  return (
    <Card title={t('evidence.snippets')} testId="snippets">
      <p className="muted small">{t('evidence.snippetsHint')}</p>
      <div className="field">
        <label className="field-label" htmlFor={slotId}>
          {t('evidence.snippetSlot')}
        </label>
        <select id={slotId} value={slot} onChange={(e) => setSlot(e.target.value)}>
          {slots.map((x) => (
            <option key={x.id} value={x.id}>
              {catalogName('slot', x.id, x.checklistName)} {x.filled ? '✓' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={codeId}>
          {t('evidence.snippetCode')}
        </label>
        <textarea
          id={codeId}
          className="code"
          dir="ltr"
          rows={8}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          spellCheck={false}
          data-testid="snippet-code"
        />
      </div>
      <button
        type="button"
        className="btn btn-primary"
        disabled={!code.trim()}
        onClick={async () => (await addSnippet(slot, code)) && setCode('')}
      >
        {t('evidence.addSnippet')}
      </button>
    </Card>
  );
}
