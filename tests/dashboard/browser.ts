/**
 * A real headless Chromium for the dashboard tests: the system `/usr/bin/chromium` where
 * present, else the binary shipped inside the `@sparticuz/chromium` npm package (what CI
 * uses: no vendor download is possible there).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * @sparticuz/chromium's default flags are for serverless screenshots and switch the web's
 * security model off (`--disable-web-security` turns off the same-origin policy, which the
 * CSRF tests rely on). Those flags are dropped; the sandbox flags stay (tests run as root).
 */
const UNSAFE_FLAGS = ['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--single-process'];

export async function launchBrowser(): Promise<{ browser: Browser; which: string }> {
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system !== undefined) {
    const browser = await chromium.launch({ executablePath: system, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    return { browser, which: system };
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  const executablePath = await packaged.executablePath();
  const args = packaged.args.filter((a) => !UNSAFE_FLAGS.some((f) => a.startsWith(f)));
  const browser = await chromium.launch({ executablePath, headless: true, args });
  return { browser, which: `@sparticuz/chromium (${executablePath})` };
}
