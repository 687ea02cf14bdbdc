/**
 * @module readBody
 * Reads a request body up to a bound. A declared Content-Length over the bound is refused
 * before any byte is buffered; a body that grows past it is cut off the same way. Memory for
 * the body is reserved (`reserve`, which throws when the relay's body budget is spent) before
 * it is buffered: the declared length up front, or, for a chunked body, step by step as it comes.
 */
import type { IncomingMessage } from 'node:http';
import { TooLargeError } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';

/** Chunked bodies reserve in steps of this much, so a slow trickle costs few reservations. */
const RESERVE_STEP = 64 * 1024;

/** The declared Content-Length, checked against the bound before anything is read. */
export function checkDeclaredLength(req: IncomingMessage, limit: number): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const declared = Number(header);
  if (declared > limit) throw new TooLargeError('request body', declared, limit);
  return Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
}

export function readBody(req: IncomingMessage, limit: number, reserve: (bytes: number) => void = () => {}): Promise<Buffer> {
  let reserved = 0;
  try {
    const declared = checkDeclaredLength(req, limit);
    if (declared !== undefined && declared > 0 && !req.complete) {
      reserve(declared);
      reserved = declared;
    }
  } catch (e) {
    return Promise.reject(e);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (e: unknown): void => {
      if (done) return;
      done = true;
      chunks.length = 0;
      req.off('data', onData);
      reject(e);
    };
    const onData = (chunk: Buffer): void => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        fail(new TooLargeError('request body', size, limit));
        return;
      }
      if (size > reserved) {
        try {
          const step = Math.min(limit, Math.max(size, reserved + RESERVE_STEP)) - reserved;
          reserve(step);
          reserved += step;
        } catch (e) {
          fail(e);
          return;
        }
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', fail);
    // A socket destroyed mid-body (timeout, reset) ends here if no 'error' came first.
    req.on('close', () => fail(new RelayError('UNAVAILABLE', 'the request body did not arrive')));
  });
}
