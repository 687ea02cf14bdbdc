/**
 * @module rawResponse
 * Answers written straight onto a socket, where there is no ServerResponse: a refused upgrade,
 * a malformed or timed-out request. Same `{"error":{"code","message"}}` body as every other
 * error. The socket is then destroyed, never just ended: a peer that does not close its side
 * would otherwise hold it half open (FIN_WAIT_2) for as long as it likes.
 */
import type { Duplex } from 'node:stream';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  408: 'Request Timeout',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/** How long a refused socket may take to flush its answer before it is destroyed anyway. */
const FLUSH_GRACE_MS = 2_000;

export type WireErrorBody = { readonly error: { readonly code: string; readonly message: string } };

export function rawResponse(status: number, body: WireErrorBody, headers: Readonly<Record<string, string>> = {}): string {
  const text = JSON.stringify(body);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${extra}\r\n${text}`;
}

/** The answer to a request Node's parser gave up on (clientError), by its error code. */
export function rawErrorResponse(code: string | undefined): string {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rawResponse(408, { error: { code: 'TIMEOUT', message: 'the request did not arrive in time' } });
    case 'HPE_HEADER_OVERFLOW':
      return rawResponse(431, { error: { code: 'TOO_LARGE', message: 'request headers are too large' } });
    default:
      return rawResponse(400, { error: { code: 'DECODE', message: 'malformed HTTP request' } });
  }
}

/** Writes the answer, then destroys the socket once it is flushed (or after a short grace). */
export function refuseSocket(socket: Duplex, status: number, body: WireErrorBody, headers?: Readonly<Record<string, string>>): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS);
  timer.unref();
  socket.end(rawResponse(status, body, headers), () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
