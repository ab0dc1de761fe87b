import { useEffect, useId, useState } from 'react';
import { SCREENSHOT_SLOTS } from '../../../shared/aps/slots';
import type { FlowDetail, PlanView } from '../../../shared/api/contract';
import { Badge, Card, useFocusRequest } from '../components/common';
import { useApp, useCatalogName, useT } from '../store/use-app';

const PAGE_SLOTS = SCREENSHOT_SLOTS.filter((x) => x.kind === 'page');

/**
 * Checks a Recorder export before it is sent, so the common mistakes (not JSON, not a recording) are said in the
 * interface language; the engine's own checks follow on import.
 */
function recordingProblem(json: string): 'notJson' | 'notRecording' | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'notJson';
  }
  const steps = (parsed as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) && steps.length > 0 ? undefined : 'notRecording';
}

/**
 * A slot as its option reads: the name, then the id. An option is plain text, so the id (a left-to-right identifier)
 * is isolated with Unicode marks; in Arabic its dots and brackets would otherwise be reordered with the words around.
 */
function slotOption(name: string, id: string): string {
  return `${name} \u2066(${id})\u2069`;
}

function ImportCard() {
  const t = useT();
  const catalogName = useCatalogName();
  const flows = useApp((s) => s.flows);
  const plan = useApp((s) => s.plan);
  const importFlow = useApp((s) => s.importFlow);
  const importFor = useApp((s) => s.importFor);
  const busy = useApp((s) => s.busy['flows.import']);
  const [name, setName] = useState(importFor ?? '');
  const [json, setJson] = useState('');
  const [fileName, setFileName] = useState('');
  const [problem, setProblem] = useState<'notJson' | 'notRecording'>();
  // Remounting the file input is the only way to clear what it shows after an import.
  const [inputKey, setInputKey] = useState(0);
  const scenarioId = useId();
  const problemId = useId();
  useEffect(() => {
    if (importFor) setName(importFor);
  }, [importFor]);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setFileName(file.name);
    const text = await file.text();
    setJson(text);
    setProblem(recordingProblem(text));
    const guess = file.name.replace(/\.json$/i, '');
    if (!name && plan?.scenarios.some((s) => s.id === guess)) setName(guess);
  };

  return (
    <Card title={t('flows.import')} testId="flow-import-card">
      <p className="muted small">{t('flows.hint')}</p>
      <div className="field">
        <label className="field-label" htmlFor="flow-file-input">
          {t('flows.file')}
        </label>
        <input
          id="flow-file-input"
          key={inputKey}
          type="file"
          accept="application/json,.json"
          onChange={(e) => onFile(e.target.files?.[0])}
          data-testid="flow-file"
          aria-describedby={problem ? problemId : undefined}
          aria-invalid={!!problem}
        />
      </div>
      {fileName && (
        <p className="small mono" dir="ltr">
          {fileName}
        </p>
      )}
      {problem && (
        <p className="notice notice-bad small" id={problemId} role="alert" data-testid="flow-file-problem">
          {t(`flows.problem.${problem}`)}
        </p>
      )}
      <div className="field">
        <label className="field-label" htmlFor={scenarioId}>
          {t('flows.scenario')}
        </label>
        <select id={scenarioId} value={name} onChange={(e) => setName(e.target.value)} data-testid="flow-name">
          <option value="">{t('flows.pickScenario')}</option>
          {plan?.scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {catalogName('scenario', s.id, s.title)} ({s.id}){flows.some((f) => f.name === s.id) ? ' ✓' : ''}
            </option>
          ))}
        </select>
        <span className="field-hint">{t('flows.scenarioHint')}</span>
      </div>
      <button
        type="button"
        className="btn btn-primary"
        disabled={!name || !json || !!problem || busy}
        data-testid="flow-import"
        onClick={async () => {
          if (await importFlow(name, json)) {
            setJson('');
            setFileName('');
            setName('');
            setInputKey((k) => k + 1);
          }
        }}
      >
        {t('flows.import')}
      </button>
    </Card>
  );
}

/** Every scenario of the plan: whether it has a flow, and which of the slots it needs are tagged. */
function ScenarioList({ plan }: { plan: PlanView }) {
  const t = useT();
  const catalogName = useCatalogName();
  const flows = useApp((s) => s.flows);
  const flow = useApp((s) => s.flow);
  const selectFlow = useApp((s) => s.selectFlow);
  const setImportFor = useApp((s) => s.setImportFor);
  return (
    <Card title={t('flows.scenarios')} testId="flow-scenarios">
      <p className="muted small">{t('flows.scenariosHint')}</p>
      <ul className="flow-list">
        {plan.scenarios.map((s) => {
          const summary = flows.find((f) => f.name === s.id);
          const tagged = new Set(summary?.slots ?? []);
          const untagged = s.slots.filter((slot) => !tagged.has(slot));
          return (
            <li
              key={s.id}
              className={`flow-row ${flow?.name === s.id ? 'active' : ''}`}
              data-testid={`flow-${s.id}`}
              data-untagged={summary ? untagged.join(' ') : undefined}
              data-has-flow={!!summary}
            >
              <div className="flow-row-head">
                <span className="flow-row-title">
                  <span>{catalogName('scenario', s.id, s.title)}</span>
                  <span className="mono small muted" dir="ltr">
                    {s.id}
                  </span>
                </span>
                {summary ? (
                  <button
                    type="button"
                    className="btn small"
                    aria-pressed={flow?.name === s.id}
                    onClick={() => selectFlow(s.id)}
                    data-testid={`flow-open-${s.id}`}
                  >
                    {t('flows.show')}
                    <span className="visually-hidden"> {catalogName('scenario', s.id, s.title)}</span>
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => {
                      setImportFor(s.id);
                      document.getElementById('flow-file-input')?.focus();
                    }}
                  >
                    {t('flows.recordOne')}
                    <span className="visually-hidden"> {catalogName('scenario', s.id, s.title)}</span>
                  </button>
                )}
              </div>
              <div className="row wrap gap-s">
                {!summary && <Badge tone="bad">{t('flows.noFlow')}</Badge>}
                {summary &&
                  s.slots.map((slot) => (
                    <span
                      key={slot}
                      className={`slot-chip ${tagged.has(slot) ? 'chip-ok' : 'chip-bad'}`}
                      data-slot={slot}
                      data-tagged={tagged.has(slot)}
                    >
                      <span aria-hidden="true">{tagged.has(slot) ? '✓' : '✗'}</span> {catalogName('slot', slot, slot)}
                      <span className="visually-hidden">
                        {' '}
                        {tagged.has(slot) ? t('flows.tagged') : t('flows.untagged')}
                      </span>
                    </span>
                  ))}
              </div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function FlowDetailCard({ flow, needs }: { flow: FlowDetail; needs: string[] }) {
  const t = useT();
  const catalogName = useCatalogName();
  const tagStep = useApp((s) => s.tagStep);
  const note = useApp((s) => (s.importNote?.name === flow.name ? s.importNote : undefined));
  const dismissNote = useApp((s) => s.dismissImportNote);
  const stepOf = new Map<string, number>();
  for (const s of flow.steps) if (s.slot && !stepOf.has(s.slot)) stepOf.set(s.slot, s.index);
  const untagged = needs.filter((slot) => !stepOf.has(slot));
  const inferred = new Map(note?.tagged.map((x) => [x.index, x.slot]));
  const others = PAGE_SLOTS.filter((x) => !needs.includes(x.id));
  return (
    <Card
      title={<bdi>{flow.title}</bdi>}
      testId="flow-detail"
      actions={
        <span className="mono small muted" dir="ltr">
          {flow.file}
        </span>
      }
    >
      {note && (
        <div
          className={`notice ${untagged.length ? 'notice-warn' : ''} small row between gap`}
          role="status"
          data-testid="flow-import-note"
          data-tagged={note.tagged.length}
        >
          <span>
            {note.tagged.length
              ? t('flows.importTagged').replace('{n}', String(note.tagged.length))
              : t('flows.importUntagged')}
          </span>
          <button type="button" className="btn btn-ghost small" onClick={dismissNote}>
            {t('flows.reviewed')}
          </button>
        </div>
      )}
      <div className="needs" data-testid="flow-needs" data-untagged={untagged.join(' ')}>
        <h3 className="sub">{t('flows.needs')}</h3>
        {needs.length === 0 && <p className="small muted">{t('flows.needsNone')}</p>}
        <ul className="needs-list">
          {needs.map((slot) => (
            <li key={slot} className={stepOf.has(slot) ? 'need-ok' : 'need-missing'}>
              <span aria-hidden="true">{stepOf.has(slot) ? '✓' : '✗'}</span>
              <span>{catalogName('slot', slot, slot)}</span>
              <span className="mono small muted" dir="ltr">
                {slot}
              </span>
              <span className="small">
                {stepOf.has(slot)
                  ? t('flows.atStep').replace('{n}', String(stepOf.get(slot)! + 1))
                  : t('flows.pickBelow')}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {flow.placeholders.length > 0 && (
        <div className="placeholders">
          <h3 className="sub">{t('flows.placeholders')}</h3>
          <div className="row wrap gap-s" dir="ltr">
            {flow.placeholders.map((p) => (
              <Badge key={p} tone="info">{`{{${p}}}`}</Badge>
            ))}
          </div>
          <span className="field-hint">{t('flows.placeholdersHint')}</span>
        </div>
      )}
      <div className="table-wrap">
        <table className="table flow-steps" data-testid="flow-steps">
          <thead>
            <tr>
              <th scope="col" className="col-num">
                #
              </th>
              <th scope="col">{t('flows.step')}</th>
              <th scope="col" className="col-slot">
                {t('flows.slot')}
              </th>
            </tr>
          </thead>
          <tbody>
            {flow.steps.map((s) => (
              <tr key={s.index} data-slot={s.slot ?? ''}>
                <td className="num">{s.index + 1}</td>
                <td className="step-cell">
                  <span className="step-type">{s.type}</span>
                  <span className="mono small ellipsis" dir="ltr" title={s.label}>
                    {s.label}
                  </span>
                </td>
                <td className="col-slot">
                  <div className="slot-cell">
                    <select
                      id={`flow-step-slot-${s.index}`}
                      value={s.slot ?? ''}
                      aria-label={t('flows.slotOfStep').replace('{n}', String(s.index + 1))}
                      onChange={(e) => void tagStep(s.index, e.target.value || null)}
                      data-testid={`flow-step-slot-${s.index}`}
                    >
                      <option value="">{t('flows.noSlot')}</option>
                      {needs.length > 0 && (
                        <optgroup label={t('flows.neededGroup')}>
                          {needs.map((id) => (
                            <option key={id} value={id}>
                              {slotOption(catalogName('slot', id, id), id)}
                            </option>
                          ))}
                        </optgroup>
                      )}
                      <optgroup label={t('flows.otherGroup')}>
                        {others.map((x) => (
                          <option key={x.id} value={x.id}>
                            {slotOption(catalogName('slot', x.id, x.checklistName), x.id)}
                          </option>
                        ))}
                      </optgroup>
                    </select>
                    {s.slot && inferred.get(s.index) === s.slot && (
                      <Badge tone="info" testId={`flow-inferred-${s.index}`}>
                        {t('flows.inferred')}
                      </Badge>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function FlowsStep() {
  const t = useT();
  const flow = useApp((s) => s.flow);
  const loadFlows = useApp((s) => s.loadFlows);
  const plan = useApp((s) => s.plan);
  const loaded = useApp((s) => s.flows.length > 0 || !!s.plan);
  useFocusRequest(loaded);

  useEffect(() => {
    void loadFlows();
  }, [loadFlows]);

  const needs = plan?.scenarios.find((s) => s.id === flow?.name)?.slots ?? [];
  return (
    <div className="grid-flows">
      <div className="stack">
        <ImportCard />
        {plan && <ScenarioList plan={plan} />}
      </div>
      {flow ? (
        <FlowDetailCard flow={flow} needs={needs} />
      ) : (
        <Card title={t('flows.title')}>
          <p className="muted">{t('flows.none')}</p>
        </Card>
      )}
    </div>
  );
}
