/**
 * Redaction reaches every string of every output: for lab captures that carry user names, realms,
 * service names and mstshash cookies, the names tshark reads on the wire (with the capture's key log
 * where it has one, and TLS decoded on 3389 so NLA inside is seen) appear in no default report —
 * text, JSON, Markdown, HTML, with and without --all — and in no --annotate comment. With --no-redact
 * they do appear, so the check can fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TSHARK } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/rdpdiag');
const LAB = join(ROOT, 'captures/lab');
const CASES: [capture: string, keylog: string | null][] = [
  ['kerberos-error-unknown-principal-client.pcapng', null],
  ['kerberos-clock-skew-tcp-client.pcapng', null],
  ['credssp-auth-failure-wrongpass-client.pcapng', 'credssp-auth-failure-wrongpass.keylog'],
  ['credssp-spray-with-user-server.pcapng', null],
  ['vantage-busy-server-router.pcapng', 'vantage-busy-server.keylog'],
  ['healthy-shadow-nla-client.pcapng', 'healthy-shadow-nla.keylog'],
];
const FIELDS = ['kerberos.CNameString', 'kerberos.SNameString', 'kerberos.realm', 'kerberos.crealm', 'ntlmssp.auth.username', 'ntlmssp.auth.domain', 'ntlmssp.auth.hostname', 'rdp.rt_cookie'];
/** Service classes and tshark's rendering of an empty NTLM field are protocol words, not names. */
const NOT_NAMES = new Set(['krbtgt', 'termsrv', 'host', 'null', 'cifs', 'ldap']);
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-redact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function wireNames(capture: string, keylog: string | null): Promise<string[]> {
  // Twice: as Wireshark dissects 3389 by default (the X.224 cookie), and with TLS decoded there (NLA).
  let out = '';
  for (const decodeAs of [[], ['-d', 'tcp.port==3389,tls']]) {
    const args = ['-r', join(LAB, capture), ...decodeAs, '-T', 'fields', '-E', 'separator=|'];
    if (keylog) args.push('-o', `tls.keylog_file:${join(LAB, keylog)}`);
    for (const f of FIELDS) args.push('-e', f);
    out += (await tshark(args)).stdout;
  }
  const names = new Set<string>();
  for (const v of out.split(/[|,\n]/)) {
    const n = v.trim().replace(/^Cookie: mstshash=/i, '');
    for (const part of n.split(/[/@\\]/)) if (part.length >= 3 && !NOT_NAMES.has(part.toLowerCase())) names.add(part);
  }
  return [...names];
}

function run(args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, 'analyze', '-q', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  // The HTML's inline stylesheet (`:root{…}`) is ours, not the capture's.
  return (r.stdout + r.stderr).replace(/<style[\s\S]*?<\/style>/g, '');
}

const leaks = (out: string, names: string[]) => names.filter((n) => out.toLowerCase().includes(n.toLowerCase()));

describe.skipIf(!existsSync(TSHARK))('no name seen on the wire reaches a default report', () => {
  it.each(CASES)('%s', async (capture, keylog) => {
    const names = await wireNames(capture, keylog);
    expect(names.length, 'tshark sees names in this capture').toBeGreaterThan(0);
    const base = [join(LAB, capture), ...(keylog ? ['--keylog', join(LAB, keylog)] : [])];
    for (const format of ['text', 'json', 'markdown', 'html']) {
      for (const all of [[], ['--all']]) {
        expect(leaks(run([...base, '-f', format, ...all]), names), `${format} ${all.join('')}`).toEqual([]);
      }
    }
    const annotated = join(tmp, capture);
    run([...base, '--annotate', annotated]);
    const comments = execFileSync(TSHARK, ['-r', annotated, '-T', 'fields', '-e', 'frame.comment'], { encoding: 'utf8' });
    const header = execFileSync('capinfos', ['-k', annotated], { encoding: 'utf8' });
    expect(leaks(comments + header, names), 'annotate comments').toEqual([]);
    // The check can fail: with --no-redact some of the names are in the report.
    expect(leaks(run([...base, '-f', 'json', '--all', '--no-redact']), names).length).toBeGreaterThan(0);
  }, 240_000);
});
