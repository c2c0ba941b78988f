/**
 * Debian's chromium driven by playwright-core, for tests that look at a rendered report.
 * Tests skip with a message when /usr/bin/chromium or playwright-core is absent.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn('[skip] chromium not installed: browser tests are skipped (apt-get install chromium)');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function launchChromium(): Promise<any> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
