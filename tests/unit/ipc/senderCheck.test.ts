import { describe, it, expect } from 'vitest';
import { isTrustedSender } from '../../../electron/ipc/senderCheck.js';

const devApp = 'http://localhost:5173/';
const packagedApp = 'file:///opt/Ferry/resources/app.asar/out/renderer/index.html';

describe('isTrustedSender', () => {
  it('accepts the top frame at the app origin, on any page of it', () => {
    expect(isTrustedSender({ frameUrl: 'http://localhost:5173/', isTopFrame: true }, devApp)).toBe(true);
    expect(isTrustedSender({ frameUrl: 'http://localhost:5173/settings?x=1#y', isTopFrame: true }, devApp)).toBe(true);
  });

  it('refuses an iframe, even at the app origin', () => {
    expect(isTrustedSender({ frameUrl: 'http://localhost:5173/', isTopFrame: false }, devApp)).toBe(false);
  });

  it('refuses a destroyed frame', () => {
    expect(isTrustedSender({ frameUrl: null, isTopFrame: true }, devApp)).toBe(false);
  });

  it.each([
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://127.0.0.1:5173/',
    'http://evil.example/',
    'http://localhost.evil.example:5173/',
    'file:///opt/Ferry/resources/app.asar/out/renderer/index.html',
    'about:blank',
    'data:text/html,<script>1</script>',
  ])('refuses another origin: %s', (frameUrl) => {
    expect(isTrustedSender({ frameUrl, isTopFrame: true }, devApp)).toBe(false);
  });

  it('compares file: URLs by path, ignoring query and hash', () => {
    expect(isTrustedSender({ frameUrl: packagedApp, isTopFrame: true }, packagedApp)).toBe(true);
    expect(isTrustedSender({ frameUrl: `${packagedApp}#/sites`, isTopFrame: true }, packagedApp)).toBe(true);
    expect(isTrustedSender({ frameUrl: `${packagedApp}?a=1`, isTopFrame: true }, packagedApp)).toBe(true);
  });

  it('refuses another local file', () => {
    for (const frameUrl of [
      'file:///tmp/evil.html',
      'file:///opt/Ferry/resources/app.asar/out/renderer/other.html',
      'file:///opt/Ferry/resources/app.asar/out/renderer/',
    ]) {
      expect(isTrustedSender({ frameUrl, isTopFrame: true }, packagedApp)).toBe(false);
    }
  });

  it('refuses the same path on another host (a UNC share on Windows)', () => {
    const frameUrl = 'file://evil-server/opt/Ferry/resources/app.asar/out/renderer/index.html';
    expect(isTrustedSender({ frameUrl, isTopFrame: true }, packagedApp)).toBe(false);
  });

  it('refuses a file: page when the app is served over http, and the reverse', () => {
    expect(isTrustedSender({ frameUrl: 'file:///index.html', isTopFrame: true }, 'http://localhost/index.html')).toBe(
      false,
    );
    expect(isTrustedSender({ frameUrl: 'http://localhost/index.html', isTopFrame: true }, 'file:///index.html')).toBe(
      false,
    );
  });

  it('refuses garbage URLs on either side', () => {
    expect(isTrustedSender({ frameUrl: 'not a url', isTopFrame: true }, devApp)).toBe(false);
    expect(isTrustedSender({ frameUrl: '', isTopFrame: true }, devApp)).toBe(false);
    expect(isTrustedSender({ frameUrl: devApp, isTopFrame: true }, 'not a url')).toBe(false);
  });
});
