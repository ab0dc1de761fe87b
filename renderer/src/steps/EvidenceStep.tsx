import { useEffect, useState } from 'react';
import type { EvidenceScenario } from '../../../shared/api/contract';
import { Badge, Card, statusTone } from '../components/common';
import { imageKey } from '../store/app-store';
import { AttachScreenCard } from './AttachScreenCard';
import { useApp, useCatalogName, useT } from '../store/use-app';

const LEDGER_COLUMNS = ['merchant_reference', 'fort_id', 'response_code', 'status', 'agreement_id'] as const;
const THUMB_WIDTH = 360;

type ShotRef = { scenario: EvidenceScenario; shot: EvidenceScenario['screenshots'][number] };
const FULL_WIDTH = 1400;

function Lightbox({ open, onClose }: { open: ShotRef; onClose: () => void }) {
  const t = useT();
  const catalogName = useCatalogName();
  const { scenario, shot } = open;
  const key = imageKey(scenario.runId!, scenario.id, shot.file, FULL_WIDTH);
  const src = useApp((s) => s.images[key]);
  const loadImage = useApp((s) => s.loadImage);
  useEffect(() => {
    void loadImage(scenario.runId!, scenario.id, shot.file, FULL_WIDTH);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [scenario, shot, loadImage, onClose]);
  return (
    <div className="lightbox" role="dialog" aria-modal="true" onClick={onClose} data-testid="lightbox">
      <div className="lightbox-frame" onClick={(e) => e.stopPropagation()}>
        <header className="row between center gap">
          <div className="lightbox-meta">
            <strong>{catalogName('scenario', scenario.id, scenario.title)}</strong>
            <span className="mono small" dir="ltr">
              {shot.url}
            </span>
            <span className="small muted">
              {shot.slot ?? shot.stepLabel} · {shot.capturedAt}
            </span>
          </div>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.close')}
          </button>
        </header>
        <div className="lightbox-img">
          {src ? <img src={src} alt={shot.url} /> : <p className="muted">{t('common.loading')}</p>}
        </div>
      </div>
    </div>
  );
}

function Shot({ scenario, shot, onOpen }: ShotRef & { onOpen: () => void }) {
  const key = scenario.runId ? imageKey(scenario.runId, scenario.id, shot.file, THUMB_WIDTH) : '';
  const src = useApp((s) => s.images[key]);
  const loadImage = useApp((s) => s.loadImage);
  useEffect(() => {
    if (scenario.runId) void loadImage(scenario.runId, scenario.id, shot.file, THUMB_WIDTH);
  }, [scenario.runId, scenario.id, shot.file, loadImage]);
  return (
    <figure className={`shot ${shot.failure ? 'shot-failure' : ''}`}>
      <div
        className="shot-img"
        onClick={onOpen}
        role="button"
        tabIndex={0}
        onKeyDown={(e) => e.key === 'Enter' && onOpen()}
      >
        {src ? <img src={src} alt={shot.url} loading="lazy" /> : <div className="thumb-empty" />}
      </div>
      <figcaption>
        {shot.slot && <Badge tone="info">{shot.slot}</Badge>}
        <span className="mono small ellipsis" dir="ltr" title={shot.url}>
          {shot.url}
        </span>
      </figcaption>
    </figure>
  );
}

export function EvidenceStep() {
  const t = useT();
  const catalogName = useCatalogName();
  const evidence = useApp((s) => s.evidence);
  const loadEvidence = useApp((s) => s.loadEvidence);
  const setLedger = useApp((s) => s.setLedger);
  const [method, setMethod] = useState<string>('');
  const [open, setOpen] = useState<ShotRef>();

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
      {open && <Lightbox open={open} onClose={() => setOpen(undefined)} />}
      <Card title={t('evidence.slots')} testId="slots">
        <ul className="slots">
          {evidence.slots.map((slot) => (
            <li
              key={slot.id}
              className={slot.filled ? 'slot-filled' : 'slot-missing'}
              data-testid={`slot-${slot.id}`}
              data-filled={slot.filled}
            >
              <span className="slot-dot" />
              <span>{catalogName('slot', slot.id, slot.checklistName)}</span>
              <span className="mono small muted" dir="ltr">
                {slot.id}
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
          <div className="tabs" role="tablist">
            <button type="button" className={!method ? 'tab active' : 'tab'} onClick={() => setMethod('')}>
              ∗
            </button>
            {methods.map((m) => (
              <button
                type="button"
                key={m}
                className={method === m ? 'tab active' : 'tab'}
                onClick={() => setMethod(m)}
              >
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
                <h3 className="sub">{g.outcome === 'success' ? t('evidence.success') : t('evidence.declined')}</h3>
                {g.scenarios.map((s) => (
                  <div key={s.id} className="gallery-scenario" id={`ev-${s.id}`} data-testid={`evidence-${s.id}`}>
                    <div className="row between center">
                      <div>
                        <strong>{catalogName('scenario', s.id, s.title)}</strong>{' '}
                        <span className="mono small muted" dir="ltr">
                          {s.id}
                        </span>
                      </div>
                      <Badge tone={statusTone(s.status)}>{t(`status.${s.status}`)}</Badge>
                    </div>
                    {s.error && <p className="small text-bad">{s.error}</p>}
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
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('run.scenario')}</th>
                {LEDGER_COLUMNS.map((c) => (
                  <th key={c} className="mono">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {evidence.scenarios.map((s) => (
                <tr key={s.id}>
                  <td className="mono small">{s.id}</td>
                  {LEDGER_COLUMNS.map((c) => (
                    <td key={c}>
                      <div className="ledger-cell">
                        <input
                          dir="ltr"
                          key={`${s.id}-${c}-${s.ledger.values[c] ?? ''}`}
                          defaultValue={s.ledger.values[c] ?? ''}
                          disabled={s.status === 'not-run'}
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
  return (
    <Card title={t('evidence.snippets')} testId="snippets">
      <p className="muted small">{t('evidence.snippetsHint')}</p>
      <div className="row gap end">
        <select value={slot} onChange={(e) => setSlot(e.target.value)} dir="ltr">
          {slots.map((x) => (
            <option key={x.id} value={x.id}>
              {catalogName('slot', x.id, x.checklistName)} {x.filled ? '✓' : ''}
            </option>
          ))}
        </select>
      </div>
      <textarea
        className="code"
        dir="ltr"
        rows={8}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        spellCheck={false}
        data-testid="snippet-code"
      />
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
