/**
 * What the static app (http/staticApp.ts) serves, and from where, from a client's side: only
 * regular files of the app's own folder (not a device node that a path in the folder leads to),
 * a file served is the whole answer (the API router does not also answer it: no refusal counted
 * for the organisation, no fault in the relay's log, however often a client loads the app), and
 * by default the folder is the web package's build output.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultWebRoot } from '../src/http/staticApp.ts';
import { refusalCounts } from '../src/org/refusalCounts.ts';
import { ask, startHarness, type Harness } from './support/handlerHarness.ts';
import { tmpDir } from './support/tmpDir.ts';

const PAGE = '<!doctype html><title>app</title>';

let h: Harness;
beforeAll(async () => {
  const root = join(tmpDir('hardline-static-files-'), 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), PAGE);
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'export {};');
  // Not a file: a name in the folder that leads to a device. Reading it gives zero bytes.
  symlinkSync('/dev/null', join(root, 'assets', 'null-5678.js'));
  h = await startHarness([], { webApp: { root, tls: false } });
});

describe('static app files', () => {
  it('a path that leads to a device node is not served: the API answers it, 404', async () => {
    const r = await ask(h.url, 'GET', '/assets/null-5678.js');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    expect(r.headers['content-security-policy']).toBeUndefined();
  });

  it("a file served is the whole answer: the router does not answer it too, nothing is counted or reported", async () => {
    const before = refusalCounts(h.ctx, 0);
    for (const path of ['/', '/index.html', '/assets/app-1234.js', '/?x=1']) {
      for (const method of ['GET', 'HEAD']) {
        const r = await ask(h.url, method, path);
        expect(r.status, `${method} ${path}`).toBe(200);
        expect(r.text).toBe(method === 'HEAD' ? '' : path.startsWith('/assets/') ? 'export {};' : PAGE);
      }
    }
    expect(h.internalErrors).toEqual([]);
    expect(refusalCounts(h.ctx, 0)).toEqual(before);
  });

  it("by default the app is the web package's build folder, as a folder", () => {
    const dist = fileURLToPath(new URL('../../web/dist/', import.meta.url));
    expect(defaultWebRoot()).toBe(dist);
    expect(defaultWebRoot().endsWith(`${sep}web${sep}dist${sep}`)).toBe(true);
  });
});
