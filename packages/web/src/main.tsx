/**
 * @module main
 * Entry point: renders the app and registers the service worker that caches its shell.
 */
import { render } from 'preact';
import { App } from './ui/App.tsx';
import './ui/styles.css';

render(<App />, document.getElementById('app')!);

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
