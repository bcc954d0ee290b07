import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../core/api/security-policy';
import { buildWindowOptions } from '../../electron/window-options';
import { isTrustedSender } from '../../electron/trusted-sender';

describe('main window options', () => {
  const prefs = buildWindowOptions('/app/out/preload/preload.cjs').webPreferences ?? {};

  it('isolates and sandboxes the renderer, without Node', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and refuses webviews and insecure content', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('loads only our CommonJS preload', () => {
    expect(prefs.preload).toBe('/app/out/preload/preload.cjs');
  });
});

describe('content security policy', () => {
  it('allows only our own scripts, no eval and no inline script', () => {
    const directives = new Map(contentSecurityPolicy.split('; ').map((d) => [d.split(' ')[0], d]));
    expect(directives.get('script-src')).toBe("script-src 'self'");
    expect(directives.get('default-src')).toBe("default-src 'self'");
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
  });
});

describe('IPC sender check', () => {
  const ours = 'file:///opt/app/out/renderer/index.html';

  it('trusts only the page we loaded', () => {
    expect(isTrustedSender(ours, ours)).toBe(true);
    expect(isTrustedSender(`${ours}#/runs`, ours)).toBe(true);
  });

  it('refuses other files, other schemes, remote pages and frames without a URL', () => {
    expect(isTrustedSender('file:///tmp/evil.html', ours)).toBe(false);
    expect(isTrustedSender('https://example.com/index.html', ours)).toBe(false);
    expect(isTrustedSender('http://opt/app/out/renderer/index.html', ours)).toBe(false);
    expect(isTrustedSender(undefined, ours)).toBe(false);
    expect(isTrustedSender('not a url', ours)).toBe(false);
  });
});
