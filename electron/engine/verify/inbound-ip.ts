import type { TrafficRecord } from '../../../shared/schema/traffic';
import { LRM, both, concatBoth, type Bilingual } from '../../../shared/text';
import { isLoopbackOrPrivate, type Check, type EvidenceRef } from './context';
import { listing, notSeenByRelay, relayRef } from './relay-evidence';

// APS asks that production API requests leave from another server address than sandbox ones. The relay forwards the
// sandbox calls, so APS saw them come from the relay's own outgoing address (on a staging server: that server's), and
// the relay saw the merchant server that called it. Both are shown beside the production addresses the merchant
// declares in certkit.json (aps.productionInboundIps).

const TEXT = {
  noApiCall: both(
    'The relay recorded no API call that reached APS, so no sandbox source address is known',
    'لم يسجّل المُرحِّل أي طلب API وصل إلى APS، لذا لا يُعرف العنوان الذي تصدر منه طلبات بيئة الاختبار',
  ),
  unnoted: both('an address the relay did not note', 'عنوان لم يدوّنه المُرحِّل'),
  where: (outgoing: Bilingual, callers: Bilingual) =>
    both(
      `Sandbox API calls reached APS from ${outgoing.en} (the relay's outgoing address), sent by the merchant server at ${callers.en}`,
      `وصلت طلبات API في بيئة الاختبار إلى APS من ${outgoing.ar} (العنوان الصادر للمُرحِّل)، وأرسلها خادم التاجر من ${callers.ar}`,
    ),
  undeclared: both(
    '; no production address is declared to compare them with',
    '؛ ولا يوجد عنوان إنتاج مُعلَن لمقارنتها به',
  ),
  declare: (id: string) =>
    both(
      `Add the addresses production API requests leave from to certkit.json as aps.productionInboundIps (e.g. ["203.0.113.10"]) and verify again, or compare them yourself and confirm: certkit verify <workspace> --confirm ${id} --note "…".`,
      `أضف إلى certkit.json في aps.productionInboundIps العناوين التي تصدر منها طلبات API في بيئة الإنتاج (مثل ["203.0.113.10"]) ثم تحقّق مرة أخرى، أو قارنها بنفسك وأكّد بملاحظة تقول ما فحصته: certkit verify <workspace> --confirm ${id} --note "…"${LRM}.`,
    ),
  same: (same: Bilingual) =>
    both(`; ${same.en} is also declared as a production address`, `؛ غير أن ${same.ar} مُعلَن أيضًا عنوانًا للإنتاج`),
  separate: both(
    'Send production API requests from another server address than the sandbox ones (a separate server, NAT gateway or egress IP), and give APS the production one.',
    'أرسل طلبات API في بيئة الإنتاج من عنوان خادم غير عناوين بيئة الاختبار (خادم منفصل، أو بوابة NAT، أو عنوان IP صادر آخر)، وأبلغ APS بعنوان الإنتاج.',
  ),
  private: (declared: Bilingual) =>
    both(
      `; the outgoing address is loopback or private, so APS saw your gateway's public address instead, which the relay cannot see. Production: ${declared.en}`,
      `؛ العنوان الصادر محلي (loopback) أو خاص، فما رأته APS هو العنوان العام لبوابتك، والمُرحِّل لا يستطيع رؤيته. عناوين الإنتاج: ${declared.ar}`,
    ),
  compare: (declared: Bilingual) =>
    both(
      `Run the relay on the staging server's public interface, or compare the staging server's public egress address with ${declared.en} yourself and confirm with a note.`,
      `شغّل المُرحِّل على الواجهة العامة لخادم الاختبار (staging)، أو قارن بنفسك العنوان العام الذي تصدر منه طلبات خادم الاختبار بـ ${declared.ar} وأكّد بملاحظة.`,
    ),
  different: (declared: Bilingual) =>
    both(
      `; production requests will come from ${declared.en}, a different address`,
      `؛ وستصدر طلبات الإنتاج من ${declared.ar}، وهو عنوان مختلف`,
    ),
};

const normal = (ip: string) =>
  ip
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    .toLowerCase();

function sources(records: TrafficRecord[]): { outgoing: string[]; callers: string[] } {
  const outgoing = new Set<string>();
  const callers = new Set<string>();
  for (const r of records) {
    if (r.localAddress) outgoing.add(normal(r.localAddress));
    const caller = r.caller.forwardedFor?.split(',')[0]?.trim() || r.caller.address;
    if (caller) callers.add(normal(caller));
  }
  return { outgoing: [...outgoing], callers: [...callers] };
}

export const checkInboundIp: Check = (ctx, checkpoint) => {
  const api = ctx.traffic.records.filter((r) => r.kind === 'paymentApi' && !r.error);
  if (!api.length) return notSeenByRelay(ctx, checkpoint, TEXT.noApiCall);
  const { outgoing, callers } = sources(api);
  const seen = [...new Set([...outgoing, ...callers])];
  const declared = (ctx.workspace.aps.productionInboundIps ?? []).map(normal);
  const where = TEXT.where(outgoing.length ? listing(outgoing) : TEXT.unnoted, listing(callers));
  const evidence: EvidenceRef[] = [
    relayRef(ctx, api[0], `${api.length} call(s); outgoing ${listing(outgoing).en}; callers ${listing(callers).en}`),
  ];
  if (!declared.length)
    return {
      status: 'needs-confirmation',
      summary: concatBoth(where, TEXT.undeclared),
      fix: TEXT.declare(checkpoint.id),
      evidence,
    };
  const same = declared.filter((ip) => seen.includes(ip));
  if (same.length)
    return {
      status: 'failed',
      summary: concatBoth(where, TEXT.same(listing(same))),
      fix: TEXT.separate,
      evidence,
    };
  // What APS saw is the relay's outgoing address; a private one sits behind a gateway whose public address is unknown.
  if (!outgoing.some((ip) => !isLoopbackOrPrivate(ip)))
    return {
      status: 'needs-confirmation',
      summary: concatBoth(where, TEXT.private(listing(declared))),
      fix: TEXT.compare(listing(declared)),
      evidence,
    };
  return {
    status: 'passed',
    summary: concatBoth(where, TEXT.different(listing(declared))),
    evidence,
  };
};
