import { useEffect, useState } from 'react';
import { SCREENSHOT_SLOTS } from '../../../shared/aps/slots';
import { Badge, Card, Field } from '../components/common';
import { useApp, useCatalogName, useT } from '../store/use-app';

export function FlowsStep() {
  const t = useT();
  const catalogName = useCatalogName();
  const flows = useApp((s) => s.flows);
  const flow = useApp((s) => s.flow);
  const loadFlows = useApp((s) => s.loadFlows);
  const selectFlow = useApp((s) => s.selectFlow);
  const importFlow = useApp((s) => s.importFlow);
  const tagStep = useApp((s) => s.tagStep);
  const busy = useApp((s) => s.busy['flows.import']);
  const plan = useApp((s) => s.plan);
  const [name, setName] = useState('');
  const [json, setJson] = useState('');
  const [fileName, setFileName] = useState('');
  // Remounting the file input is the only way to clear what it shows after an import.
  const [inputKey, setInputKey] = useState(0);

  useEffect(() => {
    void loadFlows();
  }, [loadFlows]);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setFileName(file.name);
    setJson(await file.text());
    const guess = file.name.replace(/\.json$/i, '');
    if (!name && plan?.scenarios.some((s) => s.id === guess)) setName(guess);
  };

  return (
    <div className="grid-flows">
      <div className="stack">
        <Card title={t('flows.import')}>
          <p className="muted small">{t('flows.hint')}</p>
          <Field label={t('flows.file')}>
            <input
              key={inputKey}
              type="file"
              accept="application/json,.json"
              onChange={(e) => onFile(e.target.files?.[0])}
              data-testid="flow-file"
            />
          </Field>
          {fileName && <p className="small mono">{fileName}</p>}
          <Field label={t('flows.scenario')} hint={t('flows.scenarioHint')}>
            <select dir="ltr" value={name} onChange={(e) => setName(e.target.value)} data-testid="flow-name">
              <option value="" />
              {plan?.scenarios.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id} · {catalogName('scenario', s.id, s.title)}
                  {flows.some((f) => f.name === s.id) ? ' ✓' : ''}
                </option>
              ))}
            </select>
          </Field>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!name || !json || busy}
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
        <Card title={t('flows.title')}>
          {flows.length === 0 && <p className="muted">{t('flows.none')}</p>}
          <ul className="flow-list" data-testid="flow-list">
            {flows.map((f) => (
              <li key={f.name}>
                <button
                  type="button"
                  className={`flow-item ${flow?.name === f.name ? 'active' : ''}`}
                  onClick={() => selectFlow(f.name)}
                  data-testid={`flow-${f.name}`}
                >
                  <span className="flow-name">{f.name}</span>
                  <span className="muted small">
                    {f.stepCount} {t('flows.steps')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      {flow && (
        <Card title={flow.title} testId="flow-detail" actions={<span className="mono small muted">{flow.file}</span>}>
          <div className="placeholders">
            <span className="field-label">{t('flows.placeholders')}</span>
            <div className="row wrap gap-s">
              {flow.placeholders.map((p) => (
                <Badge key={p} tone="info">{`{{${p}}}`}</Badge>
              ))}
            </div>
            <span className="field-hint">{t('flows.placeholdersHint')}</span>
          </div>
          <table className="table" data-testid="flow-steps">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('flows.steps')}</th>
                <th>{t('flows.slot')}</th>
              </tr>
            </thead>
            <tbody>
              {flow.steps.map((s) => (
                <tr key={s.index}>
                  <td className="num">{s.index + 1}</td>
                  <td>
                    <span className="step-type">{s.type}</span>{' '}
                    <span className="mono small ellipsis" dir="ltr">
                      {s.label}
                    </span>
                  </td>
                  <td>
                    <select value={s.slot ?? ''} onChange={(e) => tagStep(s.index, e.target.value || null)}>
                      <option value="">{t('flows.noSlot')}</option>
                      {SCREENSHOT_SLOTS.filter((x) => x.kind === 'page').map((x) => (
                        <option key={x.id} value={x.id}>
                          {x.id} · {catalogName('slot', x.id, x.checklistName)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
