// How a shopper goes through each recorded flow on Souq Al Oud and APS's pages. The person starts on the storefront
// (already open when the recording starts) and stops on the last page the flow needs for evidence.
import type { Person } from '../../recorder/person';
import { METHOD_LABELS, perfume } from './catalog';
import type { SouqFlow } from './flows';

const APS_FIELD = (id: string) => `[data-testid="${id}"]`;

export async function walkFlow(p: Person, flow: SouqFlow): Promise<void> {
  const cc = flow.country;
  const item = perfume(flow.perfume)!;
  const s = flow.shopper;

  // Shop: product, bag, checkout, review.
  await p.clickThrough(`.product-card h2 a[href="/${cc}/perfume/${item.slug}"]`, /\/perfume\//);
  if (flow.qty > 1) {
    // Into the number, away from the spin buttons, then up with the arrow key.
    await p.click('#qty', { x: 0.3, y: 0.5 });
    for (let i = 1; i < flow.qty; i++) await p.press('ArrowUp');
  }
  await p.clickThrough('form.add-to-bag button', /\/bag$/);
  await p.clickThrough(`a[href="/${cc}/checkout"]`, /\/checkout$/);
  await p.fill('#full-name', s.name);
  await p.press('Tab');
  await p.type(s.email);
  await p.press('Tab');
  await p.type(s.mobile);
  await p.press('Tab');
  await p.type(s.area);
  await p.choose('#payment-method', METHOD_LABELS[flow.method]);
  await p.clickThrough('.checkout-form button[type="submit"]', /\/order\/\d+\/pay$/);
  await p.clickThrough('#pay-now', /\/FortAPI\//);

  // APS's pages.
  const pay = flow.pay;
  const result = /\/order\/\d+\/confirmation$/;
  if (pay.kind === 'card') {
    await p.fill(APS_FIELD('card-number'), pay.number);
    await p.press('Tab');
    await p.type(pay.expiry);
    await p.press('Tab');
    await p.type(pay.cvv);
    await p.press('Tab');
    await p.type(pay.holder);
    if (pay.threeDsPassword) {
      await p.clickThrough(APS_FIELD('pay-button'), /\/FortAPI\/3ds\//);
      await p.fill(APS_FIELD('3ds-password'), pay.threeDsPassword);
      await p.clickThrough(APS_FIELD('3ds-submit'), result);
    } else {
      await p.clickThrough(APS_FIELD('pay-button'), result);
    }
  } else {
    const m = pay.kind;
    await p.fill(APS_FIELD(`${m}-card`), pay.card);
    await p.press('Tab');
    await p.type(pay.expiry);
    await p.press('Tab');
    await p.type(pay.pin);
    await p.clickThrough(APS_FIELD(`${m}-submit`), /\/FortAPI\/lpm\/[^/]+\/confirm$/);
    await p.clickThrough(APS_FIELD(`${m}-continue`), result);
  }

  // Back on the shop: a paid order's receipt; for a declined local-method payment, its transaction record.
  if (flow.outcome === 'paid') await p.clickThrough('#view-receipt', /\/receipt$/);
  else if (flow.method !== 'card') await p.clickThrough('a[href$="/receipt"]', /\/receipt$/);
}
