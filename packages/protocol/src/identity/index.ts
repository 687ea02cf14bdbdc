export * from './identityKey.ts';
export * from './deviceCertificate.ts';
export * from './deviceRevocation.ts';
export * from './linkHandshake.ts';
export * from './safetyNumber.ts';
