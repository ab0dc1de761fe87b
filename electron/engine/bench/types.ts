/** One measured figure of `npm run bench`. */
export interface BenchRow {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** The goal, in the same unit, and which side of it is good. */
  target?: { value: number; better: 'lower' | 'higher' };
  note?: string;
}

export interface BenchSection {
  name: string;
  run(log: (line: string) => void): Promise<BenchRow[]>;
}
