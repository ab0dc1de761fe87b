// The names of every call and event, without schemas, so the preload (which must stay tiny and cannot load zod
// in a sandboxed renderer) and the renderer's clients can enumerate them. contract.ts checks it covers them all.
export const CALL_NAMES = [
  'app.info',
  'app.pickFolder',
  'app.copyText',
  'workspace.current',
  'workspace.inspect',
  'workspace.open',
  'workspace.init',
  'workspace.demo',
  'workspace.save',
  'workspace.recent',
  'workspace.plan',
  'secrets.status',
  'secrets.set',
  'flows.list',
  'flows.get',
  'flows.import',
  'flows.tag',
  'run.start',
  'run.stop',
  'run.status',
  'evidence.list',
  'evidence.image',
  'evidence.setLedger',
  'evidence.pin',
  'checks.verify',
  'checks.confirm',
  'signoff.status',
  'snippets.add',
  'package.plan',
  'package.build',
  'package.openFolder',
  'email.draft',
  'email.saveEml',
  'email.open',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const EVENT_NAMES = [
  'run.started',
  'run.progress',
  'run.captured',
  'run.log',
  'run.finished',
  'workspace.changed',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** IPC channel of one call; events travel on one channel each with the same prefix. */
export const IPC_PREFIX = 'certkit:';
export const IPC_EVENT_CHANNEL = 'certkit:event';

export type Domain<N extends string> = N extends `${infer D}.${string}` ? D : never;
export type Method<N extends string> = N extends `${string}.${infer M}` ? M : never;
