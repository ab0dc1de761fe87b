import { LEDGER_FIELDS, type LedgerField, type ScenarioEvidence } from '../../../shared/schema/evidence';
import { CertkitError } from '../errors';
import { readScenarioEvidence, writeScenarioEvidence } from '../evidence/store';
import { setManualValue } from './ledger';

/**
 * Adds or corrects one ledger value by hand (an empty value removes it). The value is marked as entered by
 * hand, so reviewers can tell it from what the traffic showed, and later traffic never overwrites it.
 */
export async function editLedgerValue(workspaceDir: string, runId: string, scenarioId: string, field: string, value: string | undefined): Promise<ScenarioEvidence> {
  if (!(LEDGER_FIELDS as readonly string[]).includes(field)) {
    throw new CertkitError(`"${field}" is not a ledger field`, { hint: `use one of ${LEDGER_FIELDS.join(', ')}` });
  }
  const evidence = await readScenarioEvidence(workspaceDir, runId, scenarioId);
  if (!evidence) throw new CertkitError(`no evidence for ${scenarioId} in run ${runId}`, { hint: 'run the scenario first (certkit run), or pick a run that has it' });
  const next: ScenarioEvidence = { ...evidence, ledger: setManualValue(evidence.ledger, field as LedgerField, value?.trim()) };
  await writeScenarioEvidence(workspaceDir, next);
  return next;
}
