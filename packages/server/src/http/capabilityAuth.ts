/**
 * @module capabilityAuth
 * `Authorization: Capability <64 hex>`: access by holding a secret, with no account behind it.
 * Used where the relay must not learn who is asking (blobs): the request carries no session,
 * so nothing at rest or in the handler ties it to a device.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RelayError } from '../errors/relayError.ts';

export function capabilityFrom(headers: IncomingHttpHeaders): Buffer {
  const h = headers.authorization;
  const m = typeof h === 'string' ? /^Capability ([0-9a-fA-F]{64})$/.exec(h) : null;
  if (!m) throw new RelayError('UNAUTHENTICATED', 'missing capability (Authorization: Capability <64 hex>)');
  return Buffer.from(m[1]!, 'hex');
}
