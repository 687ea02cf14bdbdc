/**
 * @module chunkedPost
 * An attacker's upload: a POST with `Transfer-Encoding: chunked` and no Content-Length, so the
 * relay cannot refuse it from the headers. It keeps writing until the relay answers or `maxBytes`
 * have gone out, and reports how much it sent before the answer.
 */
import { request } from 'node:http';
import { answerBody } from './answerBody.ts';

export type ChunkedOutcome = { readonly status: number; readonly body: any; readonly bytesSent: number };

export function chunkedPost(url: string, path: string, maxBytes: number, chunkBytes = 16 * 1024): Promise<ChunkedOutcome> {
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const req = request(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    req.on('response', (res) => {
      answered = true;
      void answerBody(res).then(({ body }) => {
        resolve({ status: res.statusCode ?? 0, body, bytesSent });
      }, reject);
    });
    // The relay may close the socket after answering; only an error before any answer counts.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    // A JSON string that never closes: valid JSON only if the relay reads it all and then fails.
    const chunk = Buffer.alloc(chunkBytes, 0x61);
    // One chunk per turn of the event loop, so the relay's answer is seen as soon as it comes.
    const pump = (): void => {
      if (answered || req.destroyed) return;
      if (bytesSent >= maxBytes) {
        req.end();
        return;
      }
      const piece = bytesSent === 0 ? Buffer.concat([Buffer.from('{"code":"'), chunk]) : chunk;
      bytesSent += piece.length;
      req.write(piece, () => setImmediate(pump));
    };
    pump();
  });
}
