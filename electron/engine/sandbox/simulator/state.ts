import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { writeJsonAtomic } from '../../util/atomic-write';
import { CertkitError } from '../../errors';
import { BoundedMap, BoundedSet, type Bound } from '../bounded';

export interface Transaction {
  fort_id: string;
  merchant_reference: string;
  command: 'PURCHASE' | 'AUTHORIZATION';
  amount: number;
  currency: string;
  /** Two-digit APS status of the payment itself (14, 02, 13, 20...). */
  status: string;
  response_code: string;
  response_message: string;
  method?: string;
  token_name?: string;
  agreement_id?: string;
  eci?: string;
  authorization_code?: string;
  /** What the issuer approved: the amount for an approved payment, 0 for a declined, cancelled or pending one. */
  authorized_amount?: number;
  captured_amount: number;
  refunded_amount: number;
  voided: boolean;
  /** The latest operation on the order (payment, capture, refund, void): CHECK_STATUS reports it. */
  last_operation?: { status: string; response_code: string; response_message: string };
  /** The acquirer's and processor's own codes, for orders that reached the acquirer. */
  third_party?: { processor_response_code: string; acquirer_response_code: string };
  number_of_installments?: number;
  created_at: string;
  updated_at: string;
}

export interface SavedToken {
  token_name: string;
  /** Masked number: the full one never leaves the tokenization request. */
  card_number: string;
  card_bin: string;
  brand: string;
  expiry_date: string;
  card_holder_name?: string;
  threeDs: boolean;
  declined: boolean;
  status: 'ACTIVE' | 'INACTIVE';
  created_at: string;
}

export interface CardInfo {
  masked: string;
  bin: string;
  brand: string;
  expiry: string;
  holder?: string;
  threeDs: boolean;
  declined: boolean;
  token_name: string;
}

/** The card a saved token stands for, as a payment page uses it. */
export function savedCardInfo(saved: SavedToken): CardInfo {
  return {
    masked: saved.card_number,
    bin: saved.card_bin,
    brand: saved.brand,
    expiry: saved.expiry_date,
    holder: saved.card_holder_name,
    threeDs: saved.threeDs,
    declined: saved.declined,
    token_name: saved.token_name,
  };
}

export interface Agreement {
  agreement_id: string;
  requested_id: string;
  token_name: string;
  recurring_mode: string;
  transactions_count?: string;
  expiry_date?: string;
  days_between_payments?: string;
  cit_reference: string;
  mit_count: number;
  created_at: string;
}

interface Persisted {
  version: 1;
  transactions: Transaction[];
  tokens: SavedToken[];
  agreements: Agreement[];
  references: string[];
}

/** Transactions, tokens and agreements; optionally mirrored to a JSON file after every change. */
export class SimulatorState {
  readonly transactions: BoundedMap<string, Transaction>;
  readonly tokens: BoundedMap<string, SavedToken>;
  readonly agreements: BoundedMap<string, Agreement>;
  /** The merchant_references APS has seen on a payment (reuse is 066). */
  readonly references: BoundedSet<string>;
  /** CVV per token, kept in memory only: APS checks it on saved-card payments, nothing may store it. */
  readonly tokenCvv: BoundedMap<string, string>;
  private writing: Promise<void> = Promise.resolve();
  private fortSeq = 0;

  /** `bound` caps each collection: the newest orders are kept (retention.orders), older ones forgotten. */
  constructor(
    private readonly persistFile?: string,
    bound: () => Bound = () => ({ count: Infinity }),
  ) {
    this.transactions = new BoundedMap(bound);
    this.tokens = new BoundedMap(bound);
    this.agreements = new BoundedMap(bound);
    this.references = new BoundedSet(bound);
    this.tokenCvv = new BoundedMap(bound);
    if (persistFile && existsSync(persistFile)) this.load(persistFile);
  }

  private load(file: string): void {
    let data: Persisted;
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
    } catch (err) {
      throw new CertkitError(`sandbox state file ${file} is not valid JSON: ${(err as Error).message}`, {
        hint: 'delete the file to start with an empty sandbox, or point persistFile elsewhere',
      });
    }
    for (const t of data.transactions ?? []) this.transactions.set(t.merchant_reference, t);
    for (const t of data.tokens ?? []) this.tokens.set(t.token_name, t);
    for (const a of data.agreements ?? []) this.agreements.set(a.agreement_id, a);
    for (const r of data.references ?? []) this.references.add(r);
  }

  newFortId(): string {
    // 17 digits like APS's, unique within a process and very likely across restarts.
    this.fortSeq += 1;
    return `17${Date.now().toString().slice(-9)}${String(this.fortSeq % 1_000_000).padStart(6, '0')}`;
  }

  newTokenName(): string {
    return `ck${randomBytes(12).toString('hex')}`;
  }

  findByFortId(fortId: string): Transaction | undefined {
    for (const t of this.transactions.values()) if (t.fort_id === fortId) return t;
    return undefined;
  }

  /** Persists the current state; writes are chained so the file always holds a whole snapshot. */
  save(): Promise<void> {
    if (!this.persistFile) return Promise.resolve();
    const file = this.persistFile;
    const snapshot: Persisted = {
      version: 1,
      transactions: [...this.transactions.values()],
      tokens: [...this.tokens.values()],
      agreements: [...this.agreements.values()],
      references: [...this.references],
    };
    this.writing = this.writing.then(() => writeJsonAtomic(file, snapshot)).catch(() => {});
    return this.writing;
  }

  flush(): Promise<void> {
    return this.writing;
  }
}
