export * from './orgKey.ts';
export * from './canonicalJson.ts';
export * from './signedOrder.ts';
export * from './orgPolicy.ts';
export * from './auditChain.ts';
