/**
 * @module test/support/standInInbox
 * The relay's inbox endpoint (WS /v1/inbox) played by the test, and a device's sync round
 * (inboxRound.ts) wired to it: the test decides what each connection receives, when the relay
 * says the backlog is drained, and when and with what code it closes the connection, so the
 * round's handling of each is exact and nothing waits on a socket or the machine's speed. The
 * rest of the device (scheduler, directory, rotation, receiver) is a recorder the test can swap.
 */
import { encodeEnvelope, type Envelope, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import { randomBytes } from 'node:crypto';
import type { DeviceState, ReceivedControl } from '../../src/deviceState.ts';
import type { ReceivedMessage } from '../../src/envelopeReceiver.ts';
import { InboxRound, type InboxRoundHost } from '../../src/inboxRound.ts';
import type { Transport, WebSocketLike } from '../../src/transport.ts';

/** What one connection gets as soon as it subscribes. `drained: false` leaves that to the test. */
export type ConnectionScript = { readonly envelopes?: readonly Envelope[]; readonly drained?: boolean; readonly closeWith?: number };

export class StandInConnection implements WebSocketLike {
  binaryType = 'blob';
  readyState = 1;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  /** The code the client closed with, once it has. */
  closedByClient: number | undefined;
  readonly acked: string[] = [];

  constructor(private readonly script: ConnectionScript) {
    // A real socket opens after the constructor returns, once the client has set its handlers.
    queueMicrotask(() => this.onopen?.({}));
  }

  send(data: string | Uint8Array): void {
    const msg = JSON.parse(String(data)) as { type: string; items?: [string, string][] };
    if (msg.type === 'ack') this.acked.push(...(msg.items ?? []).map(([, e]) => e));
    if (msg.type !== 'subscribe') return;
    this.onmessage?.({ data: JSON.stringify({ type: 'subscribed' }) });
    for (const e of this.script.envelopes ?? []) this.push(e);
    if (this.script.drained ?? true) this.drained();
    if (this.script.closeWith !== undefined) this.closeFromRelay(this.script.closeWith);
  }

  push(e: Envelope): void {
    this.onmessage?.({ data: encodeEnvelope(e) });
  }

  drained(): void {
    this.onmessage?.({ data: JSON.stringify({ type: 'drained' }) });
  }

  closeFromRelay(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  close(code?: number): void {
    this.readyState = 3;
    this.closedByClient = code ?? 1005;
  }
}

export class StandInInbox {
  readonly connections: StandInConnection[] = [];
  /** The script for the n-th connection (from 0); by default, nothing queued, then drained. */
  script: (n: number) => ConnectionScript = () => ({});
  readonly transport: Transport = {
    fetch: (() => Promise.reject(new Error('no HTTP in this test'))) as typeof fetch,
    openWebSocket: () => {
      const c = new StandInConnection(this.script(this.connections.length));
      this.connections.push(c);
      return c;
    },
  };
}

/** An envelope the stand-in receiver takes as one message whose text is its envelope id. */
export function envelope(): Envelope {
  return { mailboxId: randomBytes(16).toString('hex') as MailboxId, envelopeId: randomBytes(16).toString('hex') as EnvelopeId, payload: new Uint8Array(256) };
}

/** A device's sync round against `inbox`; `over` replaces any part of the device it lends. */
export function roundSeat(inbox: StandInInbox, over: Partial<InboxRoundHost> = {}) {
  const state = { server: 'http://127.0.0.1:9', revoked: false, conversations: {}, keyPackages: {}, seen: [] } as unknown as DeviceState;
  const saves = { n: 0 };
  /** Per envelope processed: its id and the control listener the receiver had at that time. */
  const processed: { id: string; onControl: ((c: ReceivedControl) => void) | undefined }[] = [];
  const receiver = {
    onControl: undefined as ((c: ReceivedControl) => void) | undefined,
    joinedUnsubscribed: false,
    async process(env: Envelope, received: ReceivedMessage[], onMessage?: (m: ReceivedMessage) => void): Promise<boolean> {
      processed.push({ id: env.envelopeId, onControl: this.onControl });
      const m: ReceivedMessage = { conversation: 'c', from: 'alice' as ReceivedMessage['from'], text: env.envelopeId, sentAt: '', receivedAt: '' };
      received.push(m);
      onMessage?.(m);
      return true;
    },
  };
  const host: InboxRoundHost = {
    state,
    api: { sessionToken: async () => 'token' } as never,
    transport: inbox.transport,
    scheduler: { kick: async () => 0 },
    trust: { advanceLinks: async () => undefined },
    rotation: { subscriptions: () => [], retireDue: async () => false } as never,
    receiver: receiver as never,
    conversations: () => [],
    refreshDirectory: async () => [],
    replenishKeyPackages: async () => 0,
    save: async () => void saves.n++,
    ...over,
  };
  return { state, saves, processed, receiver, round: new InboxRound(host) };
}
