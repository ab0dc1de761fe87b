import { LEDGER_FIELDS, type LedgerEntry, type LedgerField } from '../../../shared/schema/evidence';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { collectEvidence, readScenarioEvidence, writeScenarioEvidence } from '../evidence/store';
import { withWorkspaceLock } from '../util/workspace-lock';
import { setManualValue } from './ledger';

/**
 * Adds or corrects one ledger value by hand (an empty value removes it) in the scenario's evidence: the given
 * run, or the one the package would use. The value is marked as entered by hand, so reviewers can tell it
 * from what the traffic showed.
 */
export async function editLedgerValue(
  workspaceDir: string,
  scenarioId: string,
  field: string,
  value: string | undefined,
  runId?: string,
): Promise<LedgerEntry> {
  if (!(LEDGER_FIELDS as readonly string[]).includes(field)) {
    throw new CertkitError(`"${field}" is not a ledger field`, { hint: `use one of ${LEDGER_FIELDS.join(', ')}` });
  }
  // Read, change, write: under the lock, so two edits (or an edit and a run) cannot each write over the other.
  return withWorkspaceLock(workspaceDir, 'ledger', () =>
    editLocked(workspaceDir, scenarioId, field as LedgerField, value, runId),
  );
}

async function editLocked(
  workspaceDir: string,
  scenarioId: string,
  field: LedgerField,
  value: string | undefined,
  runId?: string,
): Promise<LedgerEntry> {
  const evidence = runId
    ? await readScenarioEvidence(workspaceDir, runId, scenarioId)
    : (await collectEvidence(workspaceDir)).byScenario.get(scenarioId);
  if (!evidence) {
    throw new CertkitError(
      both(
        `scenario ${scenarioId} has no evidence yet${runId ? ` in run ${runId}` : ''}`,
        `لا أدلة بعد للسيناريو ${scenarioId}${runId ? ` في التشغيل ${runId}` : ''}`,
      ),
      {
        hint: both(
          'run it first (certkit run --only ID); a reference is attached to a run of the scenario',
          'شغّله أولًا (certkit run --only ID)؛ فالمرجع يُربط بتشغيل للسيناريو',
        ),
      },
    );
  }
  const ledger = setManualValue(evidence.ledger, field, value?.trim());
  await writeScenarioEvidence(workspaceDir, { ...evidence, ledger });
  return ledger;
}
