import { useState } from 'react';
import type { EvidenceList } from '../../../shared/api/contract';
import { Card } from '../components/common';
import { useApp, useT } from '../store/use-app';

/**
 * Imports a screen Certkit cannot capture as evidence of one scenario's slot (`evidence.attach`): drop a file on the
 * zone, or choose one. Kept apart from the gallery so the wizard's layout can place it anywhere.
 */
export function AttachScreenCard({ evidence }: { evidence: EvidenceList }) {
  const t = useT();
  const attachScreen = useApp((s) => s.attachScreen);
  const pageSlots = new Set(evidence.slots.filter((x) => x.kind === 'page').map((x) => x.id));
  const [scenarioId, setScenarioId] = useState(evidence.scenarios[0]?.id ?? '');
  const [slot, setSlot] = useState('');
  const [url, setUrl] = useState('');
  const [note, setNote] = useState('');
  const [over, setOver] = useState(false);
  const send = async (file: File | undefined) => {
    if (!file || !scenarioId || !slot) return;
    if (await attachScreen({ scenarioId, slot, file, url: url || undefined, note: note || undefined })) setNote('');
  };
  return (
    <Card title={t('evidence.attach')} testId="attach">
      <p className="muted small">{t('evidence.attachHint')}</p>
      <div className="row gap end">
        <select
          value={scenarioId}
          onChange={(e) => setScenarioId(e.target.value)}
          dir="ltr"
          aria-label={t('evidence.attachScenario')}
          data-testid="attach-scenario"
        >
          {evidence.scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id}
            </option>
          ))}
        </select>
        <select
          value={slot}
          onChange={(e) => setSlot(e.target.value)}
          dir="ltr"
          aria-label={t('evidence.attachSlot')}
          data-testid="attach-slot"
        >
          <option value="">slot</option>
          {[...pageSlots].map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <input
          dir="ltr"
          placeholder={t('evidence.attachUrl')}
          aria-label={t('evidence.attachUrl')}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          data-testid="attach-url"
        />
        <input
          placeholder={t('evidence.attachNote')}
          aria-label={t('evidence.attachNote')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <label
        className={over ? 'drop-zone over' : 'drop-zone'}
        data-testid="attach-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void send(e.dataTransfer.files[0]);
        }}
      >
        {t('evidence.attachDrop')}
        <input
          type="file"
          accept="image/png,image/jpeg"
          disabled={!slot}
          data-testid="attach-file"
          onChange={(e) => {
            void send(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </label>
    </Card>
  );
}
