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
import { findTurnserver, startCoturn, startRelay, type CoturnHandle } from '@hardline/server';
import { enrolInBrowser, PHONE } from './browser.ts';
import { REPO, tempDir } from './cliHarness.ts';
import { vcardFile } from './vcards.ts';

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

export function launchCallChromium(wav: string): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...FLAGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection'],
  });
}

export type Hooks = { wrongKey?: boolean; noSframe?: boolean; ringTimeoutMs?: number; autoAccept?: boolean };

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

export type CallRelay = { url: string; coturn: CoturnHandle; invite(): Promise<string>; close(): Promise<void> };

export async function startCallRelay(port = 3678): Promise<CallRelay> {
  const binary = findTurnserver();
  if (!binary) throw new Error('coturn (turnserver) is not installed');
  const coturn = await startCoturn(binary, { port, minPort: 50_100, maxPort: 50_400, allowLoopbackPeers: true });
  const relay = await startRelay({ port: 0, dataDir: tempDir('call-relay'), log: () => undefined, webRoot: join(REPO, 'packages/web/dist'), turn: coturn.config });
  const api = new RelayApi(new URL(relay.url), nodeTransport);
  return {
    url: relay.url,
    coturn,
    invite: async () => (await api.adminInvite(relay.adminToken!)).code,
    close: async () => {
      await relay.close();
      await coturn.stop();
    },
  };
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
