/**
 * @module dataFolder
 * What a flood leaves on the relay's disk: the bytes of every file in its data folder
 * (relay.db and its WAL, keypackages.db, tokens.db, ...), as the file system reports them.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function dataFolderBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const s = statSync(join(dir, name));
    if (s.isFile()) total += s.size;
  }
  return total;
}
