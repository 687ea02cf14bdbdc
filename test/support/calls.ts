/**
 * @module test/support/calls
 * What the call tests and the call benchmark share: a 440 Hz tone file for Chromium's fake
 * microphone, Chromium launched with media flags, a relay with a relay-only coturn behind it,
 * two people enrolled who have each other as contacts, and in-page measurements of the audio
 * that arrives (WebAudio) and of the path it took (getStats).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { RelayApi } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { findTurnserver, startCoturn, startRelay, type CoturnHandle, type RelayOptions } from '@hardline/server';
import { enrolInBrowser, PHONE } from './browser.ts';
import { REPO, tempDir } from './cliHarness.ts';
import { vcardFile } from './vcards.ts';
import { opensslCert } from '../../packages/server/test/support/opensslCert.ts';
import { TcpTap } from './tcpTap.ts';

/** 16-bit mono PCM WAV of a sine tone. */
export function toneWav(path: string, hz = 440, seconds = 30, rate = 48_000, amplitude = 0.5): string {
  const n = rate * seconds;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  writeFileSync(path, buf);
  return path;
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * `selfSignedTurn`: Chromium checks a `turns:` server's certificate like a web page's, and the
 * test coturn's is self-signed; only then is the check switched off (the pages themselves are
 * served over plain HTTP in these tests, so the flag changes nothing else). An organisation's
 * TURN certificate must be one its devices trust.
 */
export function launchCallChromium(wav: string, opts: { selfSignedTurn?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      ...FLAGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
      '--allow-loopback-in-peer-connection',
      ...(opts.selfSignedTurn ? ['--ignore-certificate-errors'] : []),
    ],
  });
}

export type Hooks = { wrongKey?: boolean; noSframe?: boolean; ringTimeoutMs?: number; reachTimeoutMs?: number; ackDelayMs?: number; autoAccept?: boolean; audioConstraints?: MediaTrackConstraints };

/** A phone-sized context with the microphone allowed and the app's test hooks switched on. */
export async function newCallPhone(browser: Browser, hooks: Hooks = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, serviceWorkers: 'block', permissions: ['microphone'] });
  await context.addInitScript((h) => {
    (globalThis as { __hardlineTest?: unknown }).__hardlineTest = h;
  }, hooks);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return { context, page };
}

export async function setHooks(page: Page, hooks: Hooks): Promise<void> {
  await page.evaluate((h) => Object.assign((globalThis as unknown as { __hardlineTest: object }).__hardlineTest, h), hooks);
}

export type CallRelay = {
  url: string;
  coturn: CoturnHandle;
  /** With `turnTls`: the observer on the devices' link to TURN (every device reaches TURN through it). */
  tap?: TcpTap;
  invite(): Promise<string>;
  /**
   * Kills coturn and starts it again on the same port with the same secret: every TURN
   * allocation is gone (as after a network change), while new ones work with the same credentials.
   */
  restartTurn(): Promise<void>;
  close(): Promise<void>;
};

/**
 * `extra`: more relay options (Web Push towards a local push-service stand-in, say).
 * `turnTls`: coturn serves TURN over TLS only, with a self-signed certificate (see
 * launchCallChromium), and devices reach it through a TcpTap, which plays the link's observer.
 */
export async function startCallRelay(port = 3678, extra: Partial<RelayOptions> = {}, opts: { turnTls?: boolean } = {}): Promise<CallRelay> {
  const binary = findTurnserver();
  if (!binary) throw new Error('coturn (turnserver) is not installed');
  const tls = opts.turnTls ? { ...opensslCert(tempDir('turn-cert'), 'DNS:localhost,IP:127.0.0.1'), port: port + 1 } : undefined;
  const options = { port, minPort: 50_100, maxPort: 50_400, allowLoopbackPeers: true, ...(tls ? { tls } : {}) };
  const coturn = await startCoturn(binary, options);
  let tap: TcpTap | undefined;
  let turn = coturn.config;
  if (tls) {
    const tlsPort = Number(/:(\d+)\?/.exec(coturn.config.urls[0]!)![1]);
    tap = await TcpTap.start({ host: '127.0.0.1', port: tlsPort });
    turn = { ...coturn.config, urls: [`turns:localhost:${tap.port}?transport=tcp`] };
  }
  const relay = await startRelay({ port: 0, dataDir: tempDir('call-relay'), log: () => undefined, webRoot: join(REPO, 'packages/web/dist'), turn, ...extra });
  const api = new RelayApi(new URL(relay.url), nodeTransport);
  const handle: CallRelay = {
    url: relay.url,
    coturn,
    ...(tap ? { tap } : {}),
    invite: async () => (await api.adminInvite(relay.adminToken!)).code,
    restartTurn: async () => {
      const old = handle.coturn;
      await old.stop();
      const turnPort = Number(/:(\d+)\?/.exec(old.config.urls[0]!)![1]);
      // Over TLS the URL's port is the TLS listener's, which `options.tls` names already.
      handle.coturn = await startCoturn(binary, { ...options, ...(tls ? {} : { port: turnPort }), secret: old.config.secret });
      if (handle.coturn.config.urls[0] !== old.config.urls[0]) throw new Error(`coturn came back on another port: ${handle.coturn.config.urls[0]}`);
    },
    close: async () => {
      await relay.close();
      await handle.coturn.stop();
      await tap?.close();
    },
  };
  return handle;
}

/** Enrols Alice and Bob; each publishes a number and imports the other as a contact. */
export async function enrolPair(relay: CallRelay, alice: Page, bob: Page): Promise<void> {
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice, relay.url, ca, 'alice', 'Alice Adams'), enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob Brown')]);
  const people = { alice: { name: 'Alice Adams', phone: '+31611111111' }, bob: { name: 'Bob Brown', phone: '+31622222222' } };
  await Promise.all([publish(alice, people.alice.phone), publish(bob, people.bob.phone)]);
  await Promise.all([importContact(alice, people.bob, 'bob'), importContact(bob, people.alice, 'alice')]);
}

async function publish(page: Page, phone: string): Promise<void> {
  await page.click('[data-tab=devices]');
  await page.fill('[data-form=profile] input[name=phone]', phone);
  await page.click('[data-form=profile] button[type=submit]');
  await page.getByText('Published').waitFor();
}

async function importContact(page: Page, person: { name: string; phone: string }, handle: string): Promise<void> {
  await page.click('[data-tab=contacts]');
  // The other side may publish a moment later: import again until the contact is linked.
  for (let i = 0; ; i++) {
    await page.setInputFiles('input[type=file]', { name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile([person])) });
    if (await page.waitForSelector(`[data-on-hardline=${handle}]`, { timeout: 5_000 }).then(() => true, () => false)) return;
    if (i > 5) throw new Error(`${handle} never linked as a Hardline contact`);
  }
}

/** Back out of any open detail pane until the tab bar shows (on a phone it hides under one). */
export async function home(page: Page): Promise<void> {
  for (let i = 0; i < 4 && !(await page.isVisible('[data-tab=chats]')); i++) {
    await page.locator('button[aria-label=Back]:visible').first().click({ timeout: 2_000 }).catch(() => undefined);
  }
}

export async function openContact(page: Page, name: string): Promise<void> {
  await home(page);
  await page.click('[data-tab=contacts]');
  await page.fill('input[type=search]', name);
  await page.click(`[data-contact="${name}"]`);
  await page.waitForSelector('[data-screen=contact]');
}

export type AudioMeasure = { peakHz: number; rms: number; sampleRate: number };

/**
 * Measures the call's remote audio in the page with an AnalyserNode: the dominant frequency
 * and the RMS (the loudest of several looks over `ms`).
 */
export function measureRemoteAudio(page: Page, ms = 1_500): Promise<AudioMeasure> {
  return page.evaluate(async (ms) => {
    const calls = (globalThis as unknown as { __hardlineCalls: { mediaSession?: { remoteStream: MediaStream } } }).__hardlineCalls;
    const stream = calls.mediaSession?.remoteStream;
    if (!stream || stream.getAudioTracks().length === 0) return { peakHz: 0, rms: 0, sampleRate: 0 };
    const ctx = new AudioContext();
    await ctx.resume();
    const src = ctx.createMediaStreamSource(stream);
    const an = ctx.createAnalyser();
    an.fftSize = 8192;
    an.smoothingTimeConstant = 0;
    src.connect(an);
    const freq = new Float32Array(an.frequencyBinCount);
    const time = new Float32Array(an.fftSize);
    let best = { peakHz: 0, rms: 0, sampleRate: ctx.sampleRate };
    const until = performance.now() + ms;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      an.getFloatTimeDomainData(time);
      let sum = 0;
      for (const v of time) sum += v * v;
      const rms = Math.sqrt(sum / time.length);
      an.getFloatFrequencyData(freq);
      let peak = 0;
      for (let i = 1; i < freq.length; i++) if (freq[i]! > freq[peak]!) peak = i;
      if (rms >= best.rms) best = { peakHz: (peak * ctx.sampleRate) / an.fftSize, rms, sampleRate: ctx.sampleRate };
    }
    src.disconnect();
    await ctx.close();
    return best;
  }, ms);
}

/** Milliseconds (Date.now()) at which remote audio first rose above `level` RMS, polled every 5 ms. */
export function audioArrival(page: Page, level = 0.05, timeoutMs = 15_000): Promise<number> {
  return page.evaluate(
    async ({ level, timeoutMs }) => {
      const calls = (globalThis as unknown as { __hardlineCalls: { mediaSession?: { remoteStream: MediaStream } } }).__hardlineCalls;
      const until = Date.now() + timeoutMs;
      let ctx: AudioContext | undefined;
      let an: AnalyserNode | undefined;
      const time = new Float32Array(2048);
      while (Date.now() < until) {
        const stream = calls.mediaSession?.remoteStream;
        if (!an && stream && stream.getAudioTracks().length > 0) {
          ctx = new AudioContext();
          an = ctx.createAnalyser();
          an.fftSize = 2048;
          ctx.createMediaStreamSource(stream).connect(an);
        }
        if (an) {
          an.getFloatTimeDomainData(time);
          let sum = 0;
          for (const v of time) sum += v * v;
          if (Math.sqrt(sum / time.length) > level) {
            const at = Date.now();
            await ctx?.close();
            return at;
          }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      await ctx?.close();
      return -1;
    },
    { level, timeoutMs },
  );
}

export type CallStats = { local: string; remote: string; packetsReceived: number; decrypted: number; decryptFailures: number; encrypted: number };

export function callStats(page: Page): Promise<CallStats> {
  return page.evaluate(async () => {
    type S = { pc: RTCPeerConnection; candidateTypes(): Promise<{ local: string; remote: string } | undefined>; workerStats(): Promise<{ counters: { decrypted: number; decryptFailures: number; encrypted: number } } | undefined> };
    const s = (globalThis as unknown as { __hardlineCalls: { mediaSession?: S } }).__hardlineCalls.mediaSession;
    if (!s) return { local: '', remote: '', packetsReceived: 0, decrypted: 0, decryptFailures: 0, encrypted: 0 };
    const types = await s.candidateTypes();
    let packetsReceived = 0;
    (await s.pc.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type === 'inbound-rtp') packetsReceived += Number(r.packetsReceived ?? 0);
    });
    const w = await s.workerStats();
    return { local: types?.local ?? '', remote: types?.remote ?? '', packetsReceived, decrypted: w?.counters.decrypted ?? 0, decryptFailures: w?.counters.decryptFailures ?? 0, encrypted: w?.counters.encrypted ?? 0 };
  });
}

export function phase(page: Page): Promise<string | null> {
  return page.getAttribute('[data-call-screen]', 'data-call-phase', { timeout: 1_000 }).catch(() => null);
}

/** Polls `check` until it returns something truthy (then returns it), or fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Where a device's call keys stand: the MLS epoch, the send KID and the last KID that decrypted. */
export type KeyState = { epoch: string; sendKid: string; lastReceiveKid: string; decrypted: number; decryptFailures: number; lastError: string; media: string; restarts: number };

export function keyState(page: Page): Promise<KeyState> {
  return page.evaluate(async () => {
    type W = { counters: { sendKid?: bigint; lastReceiveKid?: bigint; decrypted: number; decryptFailures: number; lastError: string } };
    type M = { keyEpoch?: bigint; media?: string; mediaSession?: { restarts: number; workerStats(): Promise<W | undefined> } };
    const m = (globalThis as unknown as { __hardlineCalls: M }).__hardlineCalls;
    const w = await m.mediaSession?.workerStats();
    const c = w?.counters;
    return { epoch: String(m.keyEpoch ?? ''), sendKid: String(c?.sendKid ?? ''), lastReceiveKid: String(c?.lastReceiveKid ?? ''), decrypted: c?.decrypted ?? 0, decryptFailures: c?.decryptFailures ?? 0, lastError: c?.lastError ?? '', media: m.media ?? '', restarts: m.mediaSession?.restarts ?? 0 };
  });
}

/** The next `count` frames reaching the page's SFrame worker, as they arrived (ciphertext). */
export async function captureFrames(page: Page, count: number): Promise<Uint8Array[]> {
  const hex = await page.evaluate(async (count) => {
    type S = { captureFrames(n: number): Promise<Uint8Array[] | undefined> };
    const frames = await (globalThis as unknown as { __hardlineCalls: { mediaSession?: S } }).__hardlineCalls.mediaSession?.captureFrames(count);
    return (frames ?? []).map((f) => Array.from(f, (b) => b.toString(16).padStart(2, '0')).join(''));
  }, count);
  return hex.map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}

export type KeyEntry = { kid: bigint; key: Uint8Array };

/** The SFrame keys a device derives now for its direct conversation with `handle` (its view of the epoch). */
export async function conversationKeys(page: Page, handle: string): Promise<{ epoch: bigint; send: KeyEntry; receive: KeyEntry[] }> {
  const k = await page.evaluate(async (handle) => {
    type E = { kid: bigint; key: Uint8Array };
    type M = { conversationKeys(h: string): Promise<{ epoch: bigint; send: E; receive: E[] } | undefined> };
    const keys = await (globalThis as unknown as { __hardlineCalls: M }).__hardlineCalls.conversationKeys(handle);
    if (!keys) throw new Error(`no conversation with ${handle}`);
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const e = (x: E) => ({ kid: String(x.kid), key: hex(x.key) });
    return { epoch: String(keys.epoch), send: e(keys.send), receive: keys.receive.map(e) };
  }, handle);
  const e = (x: { kid: string; key: string }): KeyEntry => ({ kid: BigInt(x.kid), key: new Uint8Array(Buffer.from(x.key, 'hex')) });
  return { epoch: BigInt(k.epoch), send: e(k.send), receive: k.receive.map(e) };
}

/** The ICE username fragment of the page's current local description (an ICE restart changes it). */
export function iceUfrag(page: Page): Promise<string> {
  return page.evaluate(() => {
    const s = (globalThis as unknown as { __hardlineCalls: { mediaSession?: { pc: RTCPeerConnection } } }).__hardlineCalls.mediaSession;
    return /a=ice-ufrag:(\S+)/.exec(s?.pc.localDescription?.sdp ?? '')?.[1] ?? '';
  });
}

/** From now on, records every phase the call screen shows (and whether it went away). */
export async function watchPhases(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const g = globalThis as unknown as { __phasesSeen: string[]; __phaseObserver?: MutationObserver };
    g.__phaseObserver?.disconnect();
    g.__phasesSeen = seen;
    const look = () => {
      const p = document.querySelector('[data-call-screen]')?.getAttribute('data-call-phase') ?? 'none';
      if (seen[seen.length - 1] !== p) seen.push(p);
    };
    look();
    g.__phaseObserver = new MutationObserver(look);
    g.__phaseObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-call-phase'] });
  });
}

export function phasesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { __phasesSeen?: string[]; __phaseObserver?: MutationObserver };
    g.__phaseObserver?.disconnect();
    return g.__phasesSeen ?? [];
  });
}

export type CallPair = { relay: CallRelay; browser: Browser; alice: Page; bob: Page; close(): Promise<void> };

/**
 * A relay with its own coturn on `turnPort` (each test file takes its own port, so files never
 * meet each other's TURN server), a call-capable Chromium playing a tone, and Alice and Bob
 * enrolled as each other's contacts. `turnTls`: TURN over TLS only, tapped (startCallRelay).
 * `steadyTone`: noise suppression off on both, for tests that measure the tone (it fades a
 * steady tone within seconds); echo cancellation, which the calls issue asks for, stays on.
 */
export async function startCallPair(turnPort: number, toneSeconds = 30, opts: { turnTls?: boolean; steadyTone?: boolean } = {}): Promise<CallPair> {
  const wav = toneWav(join(tempDir('tone'), 'tone-440.wav'), 440, toneSeconds);
  const [relay, browser] = await Promise.all([startCallRelay(turnPort, {}, { turnTls: opts.turnTls ?? false }), launchCallChromium(wav, { selfSignedTurn: opts.turnTls ?? false })]);
  const alice = (await newCallPhone(browser)).page;
  const bob = (await newCallPhone(browser)).page;
  await enrolPair(relay, alice, bob);
  if (opts.steadyTone) await Promise.all([alice, bob].map((p) => setHooks(p, { audioConstraints: { noiseSuppression: false } })));
  return {
    relay,
    browser,
    alice,
    bob,
    close: async () => {
      await browser.close();
      await relay.close();
    },
  };
}
