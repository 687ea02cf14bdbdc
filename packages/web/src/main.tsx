/**
 * @module main
 * Entry point: renders the app (or the security console at /#console) and registers the
 * service worker that caches its shell.
 */
import { render } from 'preact';
import { App } from './ui/App.tsx';
import { installKeyFile } from './platform/encryptedKv.ts';
import { workerKeyFile } from './platform/workerKeyFile.ts';
import './ui/styles.css';

// Saved records are sealed under keys the app can destroy in place (platform/keySlots.ts).
installKeyFile(workerKeyFile());

// The security team's console is a role of the same app, at /#console; it holds no device.
if (location.hash.startsWith('#console')) void import('./console/Console.tsx').then(({ Console }) => render(<Console />, document.getElementById('app')!));
else render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
