// Collections that forget: a simulator (or demo store) left running for days under load must not keep every
// session, order and log entry it ever saw. What they keep is set by the simulator's `retention` setting.

export interface Bound {
  /** At most this many entries; the oldest go first. */
  count: number;
  /** Entries older than this go too (undefined: kept until the count pushes them out). */
  ageMs?: number;
}

/** A Map that drops its oldest entries (by first insertion) past a count or an age, checked on every set and get. */
export class BoundedMap<K, V> extends Map<K, V> {
  private readonly added = new Map<K, number>();

  constructor(
    private readonly bound: () => Bound,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    // Map's constructor may call set before this class's fields exist.
    if (this.added && !super.has(key)) this.added.set(key, this.now());
    super.set(key, value);
    if (this.added) this.prune();
    return this;
  }

  override get(key: K): V | undefined {
    this.prune();
    return super.get(key);
  }

  override has(key: K): boolean {
    this.prune();
    return super.has(key);
  }

  override delete(key: K): boolean {
    this.added.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.added.clear();
    super.clear();
  }

  /** Drops what is past the bound; the insertion order makes this stop at the first entry that stays. */
  prune(): void {
    const { count, ageMs } = this.bound();
    const oldest = ageMs === undefined ? -Infinity : this.now() - ageMs;
    for (const [key, at] of this.added) {
      if (super.size <= count && at >= oldest) break;
      this.added.delete(key);
      super.delete(key);
    }
  }
}

/** A Set with the same forgetting as BoundedMap. */
export class BoundedSet<T> {
  private readonly map: BoundedMap<T, true>;

  constructor(bound: () => Bound, now?: () => number) {
    this.map = new BoundedMap<T, true>(bound, now);
  }

  add(value: T): this {
    this.map.set(value, true);
    return this;
  }

  has(value: T): boolean {
    return this.map.has(value);
  }

  delete(value: T): boolean {
    return this.map.delete(value);
  }

  get size(): number {
    return this.map.size;
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.map.keys();
  }
}
