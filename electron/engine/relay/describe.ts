import type { TrafficRecord } from '../../../shared/schema/traffic';

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);

/** The APS operation a record carries: command, service_command or query_command. */
export function operationOf(record: Pick<TrafficRecord, 'requestFields'>): string | undefined {
  const f = record.requestFields;
  return text(f.command) ?? text(f.service_command) ?? text(f.query_command);
}

/** One line per exchange, for the relay's console and `certkit traffic list`: what, for which order, what came back. */
export function describeRecord(r: TrafficRecord): string {
  const what =
    r.kind === 'feedback'
      ? `${r.feedbackKind ?? ''} feedback${r.sentBy === 'relay' ? ' (repeat sent by the relay)' : r.repeatOf ? ' (repeat from APS)' : ''}`
      : (operationOf(r) ?? `${r.method} ${r.path}`);
  const ref = text(r.requestFields.merchant_reference) ?? text(r.responseFields?.merchant_reference);
  const code = text(r.responseFields?.response_code);
  const answer = r.error
    ? `${r.responseStatus ? `${r.responseStatus} ` : ''}${r.error}`
    : `${r.responseStatus ?? '-'}${code ? ` ${code}` : ''}`;
  return `${what}${ref ? ` ${ref}` : ''} from ${r.caller.address} -> ${answer} (${Math.round(r.durationMs)} ms)`;
}
