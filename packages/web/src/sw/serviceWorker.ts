/**
 * @module sw/serviceWorker
 * Caches the app shell so Hardline opens without the network, and handles push wake-ups and
 * their notifications (sw/wakeUp.ts). Only same-origin GETs of the
 * shell are served from cache; the API (/v1/) always goes to the relay and is never cached.
 */
/// <reference lib="webworker" />
import { declineFromNotification, handleWake, openApp } from './wakeUp.ts';

declare const self: ServiceWorkerGlobalScope & { __HARDLINE_PRECACHE__?: string[] };

/** Set by the build (vite.config.ts) to the app shell's files. */
const PRECACHE: string[] = self.__HARDLINE_PRECACHE__ ?? ['/'];
const VERSION = PRECACHE.join('|');
const CACHE = `hardline-shell-${hash(VERSION)}`;

function hash(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(PRECACHE);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/')) return;
  if (req.mode === 'navigate') {
    // Network first for the page, so a new version is picked up; the cached shell when offline.
    event.respondWith(fetch(req).catch(async () => (await caches.match('/')) ?? Response.error()));
    return;
  }
  event.respondWith((async () => (await caches.match(req)) ?? fetch(req))());
});

// Web Push wake-ups (sw/wakeUp.ts): the payload is always the same and says nothing; what to
// show comes from reading the inbox.
self.addEventListener('push', (event) => {
  event.waitUntil(handleWake());
});

// The notification actions, for tests: a page cannot reach the worker's scope, and a browser
// without a display cannot click a notification. Callable only from inside this worker.
Object.assign(self, { __hardlineWorker: { declineFromNotification, openApp } });

self.addEventListener('notificationclick', (event) => {
  const n = event.notification;
  n.close();
  const data = n.data as { kind?: string; callId?: string; conversationId?: string } | undefined;
  if (data?.kind === 'call' && data.callId && data.conversationId && event.action === 'decline') {
    event.waitUntil(declineFromNotification(data.conversationId, data.callId).catch(() => undefined));
    return;
  }
  event.waitUntil(openApp(data?.kind === 'call' && event.action !== 'decline' ? data.callId : undefined));
});

