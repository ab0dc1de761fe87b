import { CHECKPOINTS, type Checkpoint } from './checkpoints';
import { METHOD_IDS, PAYMENT_METHODS, type PaymentMethod } from './methods';
import { SCENARIOS, type Scenario } from './scenarios';
import { SCREENSHOT_SLOTS, type ScreenshotSlot } from './slots';

/** One kind of catalog entry, looked up by id and ordered as the catalog lists it. */
export class CatalogTable<T extends { id: string }> {
  readonly #byId = new Map<string, T>();
  readonly #order = new Map<string, number>();

  constructor(
    readonly kind: string,
    readonly all: readonly T[],
  ) {
    all.forEach((entry, i) => {
      if (this.#byId.has(entry.id)) throw new Error(`the catalog lists ${kind} "${entry.id}" twice`);
      this.#byId.set(entry.id, entry);
      this.#order.set(entry.id, i);
    });
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  find(id: string): T | undefined {
    return this.#byId.get(id);
  }

  /** For ids that come from the catalog itself; a user-typed id wants `find` and an error naming the choices. */
  get(id: string): T {
    const found = this.#byId.get(id);
    if (!found) throw new Error(`No ${this.kind} "${id}" in the catalog`);
    return found;
  }

  /** Position in the catalog, for sorting in catalog order; ids it does not list sort last. */
  order(id: string): number {
    return this.#order.get(id) ?? this.all.length;
  }

  ids(): string[] {
    return this.all.map((e) => e.id);
  }
}

/** The one index of the APS catalog by id: every lookup of a scenario, slot, checkpoint or method goes through it. */
export const CATALOG = {
  scenarios: new CatalogTable<Scenario>('scenario', SCENARIOS),
  slots: new CatalogTable<ScreenshotSlot>('screenshot slot', SCREENSHOT_SLOTS),
  checkpoints: new CatalogTable<Checkpoint>('checkpoint', CHECKPOINTS),
  methods: new CatalogTable<PaymentMethod>(
    'payment method',
    METHOD_IDS.map((id) => PAYMENT_METHODS[id]),
  ),
} as const;
