export * from './merkleHash.ts';
export * from './inclusionProof.ts';
export * from './consistencyProof.ts';
export * from './logEntry.ts';
export * from './treeHead.ts';
export * from './compactRange.ts';
