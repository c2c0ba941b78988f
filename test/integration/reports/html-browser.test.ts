/**
 * The HTML report in a real browser (Debian's chromium through playwright-core): the verdict is
 * on the page, there is one SVG ladder per attempt, each ladder's arrows carry frame numbers
 * that tshark places in that connection's TCP stream and include the stream's SYN, SYN-ACK,
 * FIN and RST frames as tshark sees them; the page makes no request besides its own file,
 * reads without JavaScript, and shows hostile strings as text, never as markup.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import type { Report } from '../../../src/report/model.js';
import { HAVE_CHROMIUM, launchChromium } from '../../helpers/browser.js';
import { HAVE_TSHARK, REPO } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

const BIN = join(REPO, 'bin', 'rdpdiag');
const LAB = join(REPO, 'captures', 'lab');
const HAVE_DIST = existsSync(join(REPO, 'dist', 'cli', 'main.js'));
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-html-'));

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CASES: { file: string; keylog?: string }[] = [
  { file: 'middlebox-reset-clienthello-client.pcapng' },
  { file: 'credssp-auth-failure-wrongpass-client.pcapng', keylog: 'credssp-auth-failure-wrongpass.keylog' },
  { file: 'tcp-connect-timeout-syndrop-client.pcapng' },
  { file: 'gateway-denied-403-client.pcapng', keylog: 'gateway-denied-403.keylog' },
  { file: 'healthy-xrdp-tls13-client.pcapng', keylog: 'healthy-xrdp-tls13.keylog' },
];

function cli(args: string[]): string {
  try {
    return execFileSync(process.execPath, [BIN, 'analyze', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    const x = e as { status: number; stdout: string };
    if (x.status === 1) return x.stdout; // a failure diagnosed
    throw e;
  }
}

/** Per TCP stream (by client port): the frames tshark puts in it and its SYN/SYN-ACK/FIN/RST frames. */
async function tcpStreams(file: string): Promise<Map<number, { frames: Set<number>; control: Set<number> }>> {
  const r = await tshark(['-r', file, '-Y', 'tcp', '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.fin', '-e', 'tcp.flags.reset']);
  const out = new Map<number, { frames: Set<number>; control: Set<number> }>();
  for (const line of r.stdout.trim().split('\n')) {
    const [n, sp, dp, syn, fin, rst] = line.split('\t');
    for (const port of [Number(sp), Number(dp)]) {
      if (!out.has(port)) out.set(port, { frames: new Set(), control: new Set() });
      const s = out.get(port)!;
      s.frames.add(Number(n));
      if (syn === '1' || syn === 'True' || fin === '1' || fin === 'True' || rst === '1' || rst === 'True') s.control.add(Number(n));
    }
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let browser: any = null;
beforeAll(async () => {
  if (HAVE_CHROMIUM) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CHROMIUM || !HAVE_DIST || !HAVE_TSHARK)('HTML report in chromium', () => {
  for (const c of CASES) {
    it(`${c.file}: verdict, one ladder per attempt, frames as tshark sees them, no request`, async () => {
      const input = join(LAB, c.file);
      const extra = c.keylog ? ['--keylog', join(LAB, c.keylog)] : [];
      const report = JSON.parse(cli([input, ...extra, '--format', 'json'])) as Report;
      const html = join(tmp, c.file.replace(/\.pcapng$/, '.html'));
      cli([input, ...extra, '--format', 'html', '-o', html]);
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (q: { url(): string }) => requests.push(q.url()));
      await page.goto('file://' + html);
      expect(requests).toEqual(['file://' + html]);
      const v = report['verdict'] as Any;
      expect(await page.getAttribute('#verdict', 'data-cause')).toBe(v.cause);
      expect(await page.textContent('#verdict h1')).toContain(v.confidence);
      expect(await page.locator('script').count()).toBe(0);

      const attempts = (v.attempts as Any[]).filter((a) => (a.connections as number[]).some((id) => report.connections.some((x) => x.id === id)));
      const ladders = page.locator('svg.ladder');
      if (attempts.length) expect(await ladders.count()).toBe(attempts.length);
      const streams = await tcpStreams(input);
      for (const a of attempts) {
        const svg = page.locator(`svg.ladder[data-attempt="${a.id}"]`);
        expect(await svg.count()).toBe(1);
        for (const id of a.connections as number[]) {
          const conn = report.connections.find((x) => x.id === id);
          if (!conn || conn.transport !== 'tcp') continue;
          const frames = (await svg.locator(`g.step[data-connection="${id}"]`).evaluateAll((gs: Element[]) => gs.map((g) => Number(g.getAttribute('data-frame'))))) as number[];
          const wire = streams.get(conn.client.port)!;
          expect(frames.length).toBeGreaterThan(0);
          for (const f of frames) expect(wire.frames.has(f), `frame ${f} of connection #${id} in tshark's stream`).toBe(true);
          // Every SYN, FIN and RST tshark sees in the stream is an arrow (the ladder keeps the last ten steps).
          const kept = frames.length < 40;
          if (kept) for (const f of wire.control) expect(frames, `control frame ${f} on the ladder`).toContain(f);
          // Its frame number is written next to the arrow.
          const labels = (await svg.locator(`g.step[data-connection="${id}"] text`).allTextContents()) as string[];
          for (const f of frames) expect(labels).toContain(`f${f}`);
        }
      }
      if (v.cause === 'middlebox-reset') {
        // The forged RST is drawn from the path column and is the failure point.
        const rst = page.locator('g.step.from-path');
        expect(await rst.count()).toBe(1);
        expect(await rst.getAttribute('class')).toContain('failure');
      }
      await page.close();
    });
  }

  it('reads without JavaScript and prints', async () => {
    const input = join(LAB, 'middlebox-reset-clienthello-client.pcapng');
    const html = join(tmp, 'nojs.html');
    cli([input, '--format', 'html', '-o', html]);
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto('file://' + html);
    expect(await page.isVisible('#verdict')).toBe(true);
    expect(await page.isVisible('svg.ladder')).toBe(true);
    const pdf = (await page.pdf({ format: 'A4' })) as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await ctx.close();
  });

  it('shows hostile capture strings as text, never as markup', async () => {
    const input = join(LAB, 'middlebox-reset-clienthello-client.pcapng');
    const report = JSON.parse(cli([input, '--format', 'json'])) as Report;
    const evil = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>"'&`;
    const v = report['verdict'] as Any;
    v.summary = evil;
    v.evidence[0].what = evil;
    v.nextSteps.push(evil);
    report.capture.files[0]!.path = evil;
    report.capture.warnings.push({ frame: 3, offset: 7, protocol: 'tls', severity: 'warning', message: evil });
    report.capture.warningCount++;
    const conn = report.connections[0] as Any;
    conn.protocol = evil;
    conn.events[0].type = 'x.' + evil;
    conn.tls = { clientVersions: [evil], alerts: [], sni: evil };
    const file = join(tmp, 'hostile.html');
    writeFileSync(file, renderHtml(report));
    expect(readFileSync(file, 'utf8')).not.toContain('<img');
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (q: { url(): string }) => requests.push(q.url()));
    await page.goto('file://' + file);
    expect(requests).toEqual(['file://' + file]);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).not.toContain('pwned');
    expect(await page.textContent('#verdict .summary')).toBe(evil);
    await page.close();
  });
});
