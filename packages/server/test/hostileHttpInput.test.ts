/**
 * The relay's first line of parsing, fed what an attacker controls: the Host header (DNS
 * rebinding), the path (routing), the JSON body and its fields. Each case sits at the edge of a
 * rule: a valid value with junk before or after it, a bound and one past it, a value of the
 * wrong type. Unit-level, so that each rule is pinned on its own (issue 16, mutation testing of
 * server/http).
 */
import { DecodeError, ValidationError } from '@hardline/protocol';
import { describe, expect, it } from 'vitest';
import { checkHost, defaultAllowedHosts, isWildcardHost, normaliseHostName } from '../src/http/allowedHosts.ts';
import { optionalString, parseJsonObject, requireBase64Url, requireString } from '../src/http/jsonBody.ts';
import type { Route } from '../src/http/route.ts';
import { ok } from '../src/http/route.ts';
import { matchRoute } from '../src/http/router.ts';

const allowed = new Set(['localhost', '127.0.0.1', '[::1]', 'relay.example']);

describe('Host header (DNS rebinding)', () => {
  it('answers its own names, with or without a port, in any case', () => {
    for (const h of ['localhost', 'localhost:8443', 'LOCALHOST', 'Relay.Example:1', 'relay.example:65535', 'relay.example.', '[::1]', '[::1]:80', '127.0.0.1:9']) {
      expect(checkHost(h, allowed), h).toBe('allowed');
    }
  });

  it('no Host at all, or an empty one, is "missing", not another host', () => {
    expect(checkHost(undefined, allowed)).toBe('missing');
    expect(checkHost('', allowed)).toBe('missing');
  });

  it('an allowed name with anything before or after it is another host', () => {
    for (const h of [
      'evil_localhost', // junk before (not a host character)
      'evil/localhost',
      'localhost/evil', // junk after
      'localhost:80x',
      'localhost:80:80',
      'localhost:',
      'localhost:123456', // a port of six digits
      'localhost evil',
      ' localhost',
      'localhost.evil',
      'evil.localhost',
      '[::1]x',
      'x[::1]',
      '[::g]',
      '[::1',
      'user@localhost',
      'relay.example..',
    ]) {
      expect(checkHost(h, allowed), h).toBe('other');
    }
  });

  it('normalises a name to the form a Host header carries', () => {
    expect(normaliseHostName(' Relay.Example. ')).toBe('relay.example');
    expect(normaliseHostName('relay.example')).toBe('relay.example');
    // Only one trailing dot, and only at the end.
    expect(normaliseHostName('relay.example..')).toBe('relay.example.');
    expect(normaliseHostName('.relay.example')).toBe('.relay.example');
    expect(normaliseHostName('::1')).toBe('[::1]');
    expect(normaliseHostName('FE80::1')).toBe('[fe80::1]');
    expect(normaliseHostName('[::1]')).toBe('[::1]');
  });

  it('a wildcard listener adds no name of its own', () => {
    for (const w of ['0.0.0.0', '::', '[::]', ' 0.0.0.0 ']) expect(isWildcardHost(w), w).toBe(true);
    for (const w of ['127.0.0.1', '::1', 'localhost', '0.0.0.1']) expect(isWildcardHost(w), w).toBe(false);
    expect(defaultAllowedHosts('::')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('[::]')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    // The listening name is not repeated when it is a loopback name already.
    expect(defaultAllowedHosts('LOCALHOST')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });
});

describe('routing an attacker-chosen path', () => {
  const handle = async () => ok({});
  const routes: Route[] = [
    { method: 'GET', path: '/v1/things/special', handle },
    { method: 'GET', path: '/v1/things/:id', handle },
    { method: 'POST', path: '/v1/things/:id/go', handle },
  ];

  it('the first matching route answers, and a parameter is decoded', () => {
    expect(matchRoute(routes, 'GET', '/v1/things/special')?.route).toBe(routes[0]);
    const m = matchRoute(routes, 'GET', '/v1/things/a%2Fb%20c');
    expect(m?.route).toBe(routes[1]);
    expect(m?.params).toEqual({ id: 'a/b c' });
    expect(matchRoute(routes, 'POST', '/v1/things/x/go')?.params).toEqual({ id: 'x' });
  });

  it('the method, every literal segment and the segment count must match', () => {
    expect(matchRoute(routes, 'POST', '/v1/things/x')).toBeUndefined();
    expect(matchRoute(routes, 'PUT', '/v1/things/x')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/v2/things/x')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/v1/thing/x')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/v1/things/x/stop')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/v1/things/x/')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/v1/things')).toBeUndefined();
    expect(matchRoute(routes, 'GET', 'v1/things/x')).toBeUndefined();
  });

  it('an empty parameter matches nothing (no route with an empty id)', () => {
    expect(matchRoute(routes, 'GET', '/v1/things/')).toBeUndefined();
    expect(matchRoute(routes, 'POST', '/v1/things//go')).toBeUndefined();
  });

  it('a malformed escape is a DECODE error, not a crash', () => {
    expect(() => matchRoute(routes, 'GET', '/v1/things/%E0%A4%A')).toThrow(DecodeError);
  });
});

describe('JSON bodies', () => {
  const body = (s: string) => Buffer.from(s, 'utf8');

  it('an empty body is {}, an object is taken as it is', () => {
    expect(parseJsonObject(Buffer.alloc(0))).toEqual({});
    expect(parseJsonObject(body('{"a":1}'))).toEqual({ a: 1 });
  });

  it('anything but a JSON object is a DECODE error', () => {
    for (const s of ['[]', '[{"a":1}]', 'null', '5', '"x"', 'true', '{', '{"a":1} x', ' ']) {
      expect(() => parseJsonObject(body(s)), s).toThrow(DecodeError);
    }
  });

  it('a required string is 1 to max characters', () => {
    expect(requireString({ k: 'abc' }, 'k', 3)).toBe('abc');
    expect(requireString({ k: 'a' }, 'k', 3)).toBe('a');
    for (const v of ['abcd', '', 3, null, undefined, ['abc'], { toString: () => 'abc' }]) {
      expect(() => requireString({ k: v }, 'k', 3), String(v)).toThrow(ValidationError);
    }
  });

  it('an optional string is absent only when undefined or null', () => {
    expect(optionalString({}, 'k', 3)).toBeUndefined();
    expect(optionalString({ k: null }, 'k', 3)).toBeUndefined();
    expect(optionalString({ k: 'ab' }, 'k', 3)).toBe('ab');
    expect(() => optionalString({ k: '' }, 'k', 3)).toThrow(ValidationError);
    expect(() => optionalString({ k: 'abcd' }, 'k', 3)).toThrow(ValidationError);
    expect(() => optionalString({ k: 0 }, 'k', 3)).toThrow(ValidationError);
  });

  it('base64url: only its alphabet, at most two pad characters, at the expected size', () => {
    const b = Buffer.from([0xfb, 0xff, 0xbf, 1, 2]);
    expect(requireBase64Url({ k: b.toString('base64url') }, 'k')).toEqual(b);
    expect(requireBase64Url({ k: `${b.toString('base64url')}=` }, 'k')).toEqual(b);
    expect(requireBase64Url({ k: 'AA==' }, 'k', 1)).toEqual(Buffer.from([0]));
    expect(requireBase64Url({ k: '' }, 'k')).toEqual(Buffer.alloc(0));
    for (const v of ['AA===', '+/8', 'AA AA', 'AA=A', '=AA', 'AA\n', 'Ä', 3, null, undefined, ['AA']]) {
      expect(() => requireBase64Url({ k: v }, 'k'), String(v)).toThrow(DecodeError);
    }
    expect(() => requireBase64Url({ k: 'AAA' }, 'k', 3)).toThrow(DecodeError);
    expect(() => requireBase64Url({ k: 'AAAAAA' }, 'k', 3)).toThrow(DecodeError);
  });

  it('base64url text is bounded before it is decoded', () => {
    // 30 bytes are 40 characters; the bound is ceil(30 * 4 / 3) + 2 = 42 characters.
    expect(requireBase64Url({ k: 'A'.repeat(42) }, 'k', undefined, 30)).toHaveLength(31);
    expect(() => requireBase64Url({ k: 'A'.repeat(43) }, 'k', undefined, 30)).toThrow(DecodeError);
    // The default bound is 64 KiB.
    expect(requireBase64Url({ k: 'A'.repeat(87_384) }, 'k')).toHaveLength(65_538);
    expect(() => requireBase64Url({ k: 'A'.repeat(87_385) }, 'k')).toThrow(DecodeError);
  });
});
