/**
 * @module answerBody
 * Reads a raw `node:http` answer whole: its text, and the JSON it holds when it is JSON (the
 * relay's errors are), else the text again. For harnesses that cannot use `fetch` (chunked
 * uploads, bodies left open).
 */
import type { IncomingMessage } from 'node:http';

export function answerBody(res: IncomingMessage): Promise<{ readonly text: string; readonly body: unknown }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    res.on('data', (c: Buffer) => parts.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      resolve({ text, body });
    });
  });
}
