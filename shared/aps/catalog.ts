// The APS catalog: the one source of truth that the UI, runner, verifier, packager and email read.
export * from './sha';
export * from './currencies';
export * from './endpoints';
export * from './feedback';
export * from './methods';
export * from './test-cards';
export * from './slots';
export * from './scenarios';
export * from './checkpoints';
export * from './signoff-email';
export * from './codes';
export * from './params';
export * from './apple-pay';
export * from './param-families';
export * from './request-params';
export * from './amount-rules';
export * from './catalog-index';
