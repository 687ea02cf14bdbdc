/**
 * @module calls/answerFromNotification
 * "Accept" on a call notification (sw/wakeUp.ts) opens the app at `/#answer=<callId>`, or tells
 * an open one by message. The ring itself arrives through the app's own inbox as usual; when
 * it does, the call manager answers it at once instead of ringing a second time.
 */
const wanted = new Set<string>();

function take(hash: string): void {
  const m = /^#answer=([0-9a-f]{16,64})$/.exec(hash);
  if (!m) return;
  wanted.add(m[1]!);
  history.replaceState(null, '', location.pathname + location.search);
}

/** Reads the address once and listens for the worker's messages. */
export function watchAnswerRequests(onRequest: (callId: string) => void): void {
  take(location.hash);
  navigator.serviceWorker?.addEventListener('message', (ev: MessageEvent) => {
    const d = ev.data as { type?: string; callId?: unknown } | null;
    if (d?.type === 'hardline-answer' && typeof d.callId === 'string' && /^[0-9a-f]{16,64}$/.test(d.callId)) {
      wanted.add(d.callId);
      onRequest(d.callId);
    }
  });
}

/** True once for a call the person accepted from a notification. */
export function answerRequested(callId: string): boolean {
  return wanted.delete(callId);
}
