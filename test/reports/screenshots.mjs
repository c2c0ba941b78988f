// Regenerates docs/reports/*.png and docs/reports/sample.md from lab captures:
//   npm run build && node test/reports/screenshots.mjs
// Needs Debian's chromium (/usr/bin/chromium) and playwright-core (a devDependency).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const repo = new URL('../..', import.meta.url).pathname;
const lab = 'captures/lab';
const out = join(repo, 'docs', 'reports');
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-shots-'));
const cases = [
  ['middlebox-reset', ['middlebox-reset-clienthello-client.pcapng']],
  ['credssp-auth-failure', ['credssp-auth-failure-wrongpass-client.pcapng', '--keylog', join(lab, 'credssp-auth-failure-wrongpass.keylog')]],
  ['tcp-connect-timeout', ['tcp-connect-timeout-syndrop-client.pcapng']],
];
const cli = (args) => {
  try {
    return execFileSync(process.execPath, [join(repo, 'bin', 'rdpdiag'), 'analyze', ...args], { encoding: 'utf8', cwd: repo });
  } catch (e) {
    if (e.status === 1) return e.stdout;
    throw e;
  }
};
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const [name, [file, ...extra]] of cases) {
  const html = join(tmp, `${name}.html`);
  cli([join(lab, file), ...extra, '--format', 'html', '-o', html]);
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.goto('file://' + html);
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  await page.close();
}
await browser.close();
writeFileSync(join(out, 'sample.md'), cli([join(lab, 'middlebox-reset-clienthello-client.pcapng'), '--format', 'markdown']));
