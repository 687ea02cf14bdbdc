/**
 * Builds the app shell plus the service worker. The worker gets a fixed name (its URL is its
 * scope) and the list of built files to precache, injected at build time.
 */
import { readdirSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

/** Files copied from public/ (manifest, icons): part of the shell too. */
function publicFiles(): string[] {
  return readdirSync(new URL('./public', import.meta.url), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath.slice(e.parentPath.indexOf('/public') + '/public'.length)}/${e.name}`);
}

function precacheList(): Plugin {
  return {
    name: 'hardline-precache',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== 'sw.js' && !f.endsWith('.map'));
      const sw = bundle['sw.js'];
      if (sw && sw.type === 'chunk') {
        const list = JSON.stringify(['/', ...files.map((f) => `/${f}`), ...publicFiles()]);
        // A global set before the worker's code runs survives minification, unlike a placeholder string.
        sw.code = `self.__HARDLINE_PRECACHE__=${list};\n${sw.code}`;
      }
    },
  };
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // No inline data: URLs for assets; the CSP allows only same-origin files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: 'index.html', sw: 'src/sw/serviceWorker.ts' },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  plugins: [precacheList()],
});
