import { describe, expect, it } from 'vitest';
import { CATALOG, CatalogTable } from '../../shared/aps/catalog-index';
import { CHECKPOINTS, METHOD_IDS, SCENARIOS, SCREENSHOT_SLOTS } from '../../shared/aps/catalog';

describe('catalog index', () => {
  it('finds every scenario, slot, checkpoint and method by id, in catalog order', () => {
    for (const [table, list] of [
      [CATALOG.scenarios, SCENARIOS],
      [CATALOG.slots, SCREENSHOT_SLOTS],
      [CATALOG.checkpoints, CHECKPOINTS],
    ] as const) {
      expect(table.ids()).toEqual(list.map((e) => e.id));
      list.forEach((entry, i) => {
        expect(table.get(entry.id)).toBe(entry);
        expect(table.order(entry.id)).toBe(i);
      });
    }
    expect(CATALOG.methods.ids()).toEqual([...METHOD_IDS]);
    expect(CATALOG.methods.get('KNET').defaultCurrency).toBe('KWD');
  });

  it('answers an unknown id with undefined from find, a named error from get, and sorts it last', () => {
    expect(CATALOG.scenarios.find('card-nope')).toBeUndefined();
    expect(CATALOG.scenarios.has('card-nope')).toBe(false);
    expect(() => CATALOG.slots.get('general.nope')).toThrow('No screenshot slot "general.nope" in the catalog');
    const ids = ['knet-success', 'card-nope', 'card-declined'];
    expect(ids.sort((a, b) => CATALOG.scenarios.order(a) - CATALOG.scenarios.order(b))).toEqual([
      'card-declined',
      'knet-success',
      'card-nope',
    ]);
  });

  it('refuses a catalog that lists an id twice', () => {
    expect(() => new CatalogTable('scenario', [{ id: 'a' }, { id: 'a' }])).toThrow(/lists scenario "a" twice/);
  });
});
