/** The platform string a browser reports for the security team's device list. */
import { describe, expect, it } from 'vitest';
import { platformLabel } from '../src/session/deviceLabel.ts';

describe('platformLabel', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { brands: [{ brand: 'Not_A Brand' }, { brand: 'Chromium' }], platform: 'Linux' }, 'Chromium on Linux'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36', { brands: [{ brand: 'Chromium' }, { brand: 'Google Chrome' }], platform: 'Windows' }, 'Chrome on Windows'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', undefined, 'Safari on iOS'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.0; rv:121.0) Gecko/20100101 Firefox/121.0', undefined, 'Firefox on macOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36', undefined, 'Chrome on Android'],
    ['', undefined, 'Browser on an unknown system'],
  ])('%s', (ua, data, expected) => {
    expect(platformLabel(ua, data)).toBe(expected);
  });
});
