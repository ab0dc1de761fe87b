// Where each step of a raw Recorder export happens: on the merchant's store or away from it (APS's pages, a local
// method's pages, 3-D Secure), read from the URLs the recording itself holds (navigate steps and the navigation
// assertions the Recorder writes after a step that changed the page).

export type Zone = 'store' | 'away';

/** A page the recording shows: the steps done on it, the step that brought it, and where it is. */
export interface RecordedPage {
  /** 0-based index of the step that opened the page (a navigate step, or a step the recording saw navigate). */
  arrival: number;
  /** 0-based index of the last step done on it, before the next page. */
  last: number;
  url: string;
  title: string;
  zone: Zone;
  /** Something was typed or picked on the page (a change step). */
  input: boolean;
}

type RawStep = Record<string, unknown>;

function navigation(step: RawStep): { url: string; title: string } | undefined {
  if (step.type === 'navigate' && typeof step.url === 'string') {
    const asserted = (step.assertedEvents as RawStep[] | undefined)?.find((e) => e.type === 'navigation');
    return { url: step.url, title: typeof asserted?.title === 'string' ? asserted.title : '' };
  }
  const events = Array.isArray(step.assertedEvents) ? (step.assertedEvents as RawStep[]) : [];
  const nav = events.find((e) => e.type === 'navigation');
  if (!nav) return undefined;
  return { url: typeof nav.url === 'string' ? nav.url : '', title: typeof nav.title === 'string' ? nav.title : '' };
}

export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch (err) {
    // A relative or templated URL names no origin.
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

/** The store's origin as the recording shows it: the origin of its first navigate step. */
export function recordedStoreOrigin(steps: RawStep[]): string | undefined {
  for (const step of steps) {
    if (step.type === 'navigate' && typeof step.url === 'string') return originOf(step.url);
  }
  return undefined;
}

/**
 * The pages of a recording in order. A step whose navigation the recording asserted without a URL keeps the page's
 * zone (it reloaded or moved within the same site); a page on none of the store's origins is away from the store.
 */
export function recordedPages(steps: RawStep[], storeOrigins: string[]): RecordedPage[] {
  const pages: RecordedPage[] = [];
  steps.forEach((step, i) => {
    const nav = navigation(step);
    const current = pages.at(-1);
    if (nav || !current) {
      const url = nav?.url || current?.url || '';
      const origin = originOf(url);
      const zone: Zone = origin
        ? storeOrigins.includes(origin)
          ? 'store'
          : 'away'
        : url.startsWith('{{baseUrl}}')
          ? 'store'
          : (current?.zone ?? 'store');
      pages.push({ arrival: i, last: i, url, title: nav?.title ?? '', zone, input: false });
    } else {
      current.last = i;
    }
    if (step.type === 'change') pages.at(-1)!.input = true;
  });
  return pages;
}
