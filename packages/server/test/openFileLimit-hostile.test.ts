/**
 * @module openFileLimit-hostile.test
 * Reading the process's open-file limit (server/src/limits/fileDescriptors.ts), which sets the
 * connection cap below the point where every accept, SQLite file and static file fails at once.
 * The soft limit is read, not the hard one; anything unreadable or odd (unlimited, zero, junk,
 * no such line, no /proc) is "unknown", so the operator's cap stands rather than a wrong one.
 * /proc/self/limits is stood in for (vi.mock), in its real layout.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const proc = vi.hoisted(() => ({ text: undefined as string | undefined, reads: [] as string[] }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    readFileSync: ((path: string, ...rest: unknown[]) => {
      if (path !== '/proc/self/limits') return (real.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
      proc.reads.push(String(rest[0]));
      if (proc.text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return proc.text;
    }) as typeof real.readFileSync,
  };
});

const { openFileLimit, connectionCap } = await import('../src/limits/fileDescriptors.ts');

const limits = (openFiles: string | undefined): string =>
  [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max cpu time              unlimited            unlimited            seconds   ',
    'Max processes             96363                96363                processes ',
    ...(openFiles === undefined ? [] : [openFiles]),
    'Max locked memory         8388608              8388608              bytes     ',
    '',
  ].join('\n');

beforeEach(() => {
  proc.text = undefined;
  proc.reads.length = 0;
});

describe('the open-file limit', () => {
  it('is the soft limit of "Max open files", read as text', () => {
    proc.text = limits('Max open files            1024                 1048576              files     ');
    expect(openFileLimit()).toBe(1024);
    expect(proc.reads).toEqual(['utf8']);
  });

  it.each([
    ['unlimited', 'Max open files            unlimited            unlimited            files     '],
    ['zero', 'Max open files            0                    0                    files     '],
    ['junk', 'Max open files            lots                 1048576              files     '],
    ['a fraction', 'Max open files            1024.5               1048576              files     '],
    ['negative', 'Max open files            -5                   1048576              files     '],
    ['too large to be exact', 'Max open files            99999999999999999999 1048576              files     '],
    ['single spaces', 'Max open files 1024 1048576 files'],
  ])('is unknown when the soft limit is %s', (_what, line) => {
    proc.text = limits(line);
    expect(openFileLimit()).toBeUndefined();
  });

  it('is unknown without the line, and without /proc', () => {
    proc.text = limits(undefined);
    expect(openFileLimit()).toBeUndefined();
    proc.text = undefined;
    expect(openFileLimit()).toBeUndefined();
  });

  it('sets the connection cap when no cap was given', () => {
    proc.text = limits('Max open files            1024                 1048576              files     ');
    expect(connectionCap(16_384, false)).toEqual({ cap: 768, lowered: true });
    proc.text = undefined;
    expect(connectionCap(16_384, false)).toEqual({ cap: 16_384, lowered: false });
  });
});
