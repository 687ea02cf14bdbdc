/**
 * Builds the app shell plus the service worker. The worker gets a fixed name (its URL is its
 * scope) and the list of built files to precache, injected at build time.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';

/** Files copied from public/ (manifest, icons): part of the shell too. */
function publicFiles(): string[] {
  return readdirSync(new URL('./public', import.meta.url), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.parentPath.slice(e.parentPath.indexOf('/public') + '/public'.length)}/${e.name}`);
}

/**
 * The service worker is built on its own, after the app, as one classic script: a worker
 * registered without `type: 'module'` (which not every browser supports for service workers)
 * cannot import the app's shared chunks, and it now bundles the engine (sw/wakeUp.ts). The
 * list of the app's files to precache is set as a global before its code runs, which survives
 * minification, unlike a placeholder string.
 */
function serviceWorkerBuild(): Plugin {
  let files: string[] = [];
  return {
    name: 'hardline-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      files = Object.keys(bundle).filter((f) => !f.endsWith('.map'));
    },
    async closeBundle() {
      const list = JSON.stringify(['/', ...files.map((f) => `/${f}`), ...publicFiles()]);
      await build({
        configFile: false,
        root: fileURLToPath(new URL('.', import.meta.url)),
        // 'error': the engine's libraries trip rolldown's import.meta-in-iife warnings, which
        // are harmless here (only vite's preload helper uses it, for chunks the worker inlines).
        logLevel: 'error',
        publicDir: false,
        build: {
          target: 'es2022',
          outDir: 'dist',
          emptyOutDir: false,
          sourcemap: false,
          rolldownOptions: {
            input: { sw: 'src/sw/serviceWorker.ts' },
            output: { format: 'iife', entryFileNames: 'sw.js', inlineDynamicImports: true, banner: `self.__HARDLINE_PRECACHE__=${list};` },
          },
        },
      });
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
      input: { index: 'index.html' },
      output: { entryFileNames: 'assets/[name]-[hash].js' },
    },
  },
  plugins: [serviceWorkerBuild()],
});
