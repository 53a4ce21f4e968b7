import { accessSync, constants, statSync } from 'node:fs';
import { renderFailure, type RenderFailure } from './types.js';

/** Where a system Chromium is looked for, after CHROMIUM_PATH. A browser is never downloaded. */
export const BROWSER_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** How to get a browser, for the reason of evidence that stays unverified without one. */
export const INSTALL_HINT = 'install Chromium (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable';

/** An executable regular file (symlinks followed). */
export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The system browser to render with: CHROMIUM_PATH when it names an executable, then
 * /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome. Undefined when none exists.
 */
export function findBrowser(env: Record<string, string | undefined>, exists: (path: string) => boolean = isExecutableFile): string | undefined {
  const fromEnv = env['CHROMIUM_PATH']?.trim();
  const candidates = fromEnv ? [fromEnv, ...BROWSER_CANDIDATES] : BROWSER_CANDIDATES;
  return candidates.find((path) => exists(path));
}

/** The failure for evidence that needs a browser when findBrowser() found none. */
export function noBrowser(env: Record<string, string | undefined> = {}): RenderFailure {
  const fromEnv = env['CHROMIUM_PATH']?.trim();
  const looked = [...(fromEnv ? [`CHROMIUM_PATH (${fromEnv})`] : []), ...BROWSER_CANDIDATES].join(', ');
  return renderFailure('NO_BROWSER', `no Chromium found (looked in ${looked}); ${INSTALL_HINT}`);
}
