/**
 * @module home
 * Where a device keeps its encrypted state: --home, else $HARDLINE_HOME, else ~/.hardline.
 * A passphrase (HARDLINE_PASSPHRASE) replaces the key file when set.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { openNodeClient } from '@hardline/client/node';
import type { HardlineClient } from '@hardline/client';

export type Home = { dir: string; passphrase?: string };

export function resolveHome(flag: string | undefined): Home {
  const dir = resolve(flag ?? process.env.HARDLINE_HOME ?? join(homedir(), '.hardline'));
  return { dir, passphrase: process.env.HARDLINE_PASSPHRASE || undefined };
}

export async function withClient<T>(home: Home, fn: (c: HardlineClient) => Promise<T>): Promise<T> {
  const client = await openNodeClient(home.dir, home.passphrase);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
