/**
 * --annotate OUT.pcapng, checked with tshark: the copy has every input frame with the same
 * length, captured length, time, link type and bytes (tshark's per-frame MD5); `frame.comment
 * contains "<finding id>"` selects exactly the frames the findings cite; the section header
 * carries the verdict; the key log goes in as a Decryption Secrets Block only with
 * --annotate-secrets (tshark then decrypts the copy without being given the key log). Lab
 * captures and corpus captures of several formats (pcap, nanosecond pcap, pcapng with several
 * interfaces and link types, NetMon, NetXRay, ERF).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/model.js';
import { corpusPath, HAVE_CORPUS, HAVE_TSHARK, REPO } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

const BIN = join(REPO, 'bin', 'rdpdiag');
const LAB = join(REPO, 'captures', 'lab');
const HAVE_DIST = existsSync(join(REPO, 'dist', 'cli', 'main.js'));
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-annotate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const FIELDS = ['frame.len', 'frame.cap_len', 'frame.time_epoch', 'frame.encap_type', 'frame.md5_hash'];

async function frames(file: string): Promise<string[]> {
  const r = await tshark(['-r', file, '-o', 'frame.generate_md5_hash:TRUE', '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])]);
  return r.stdout.split('\n').filter((l) => l !== '');
}

async function commented(file: string, needle: string): Promise<number[]> {
  const r = await tshark(['-r', file, '-Y', `frame.comment contains "${needle}"`, '-T', 'fields', '-e', 'frame.number']);
  return r.stdout.split('\n').filter((l) => l !== '').map(Number);
}

/** The frames each finding cites (its frames and its evidence), per finding id. */
function cited(report: Report): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const f of (report['findings'] as Any[]) ?? []) {
    const s = out.get(f.id) ?? new Set<number>();
    for (const n of f.frames as number[]) s.add(n);
    for (const e of f.evidence as Any[]) s.add(e.frame);
    out.set(f.id, s);
  }
  return out;
}

async function check(input: string, extra: string[] = [], format = 'json'): Promise<{ report: Report; out: string }> {
  const out = join(tmp, input.split('/').pop()!.replace(/\.[a-z]+$/, '') + '.annotated.pcapng');
  const r = run(['analyze', input, ...extra, '--format', 'json', '--annotate', out]);
  expect([0, 1], r.stderr).toContain(r.code);
  expect(r.stderr).toMatch(/annotated copy .*: \d+ frames, \d+ with comments/);
  const report = JSON.parse(r.stdout) as Report;
  if (format !== 'json') {
    // The same copy from a text run (the report is not streamed there).
    const t = run(['analyze', input, ...extra, '--format', format, '--annotate', out + '.2']);
    expect([0, 1]).toContain(t.code);
  }
  // Same frames, bytes, lengths, times and link types.
  const a = await frames(input);
  const b = await frames(out);
  expect(b.length).toBe(a.length);
  // NetMon's own records (network events, filters: Wireshark encapsulations 189/190) have no
  // pcapng link type: their bytes, lengths and times are kept, their encapsulation cannot be.
  const noLinkType = (l: string) => l.replace(/\t(189|190)\t/, '\t0\t');
  expect(b).toEqual(a.map(noLinkType));
  // Each finding's comment selects exactly the frames it cites.
  for (const [id, want] of cited(report)) {
    expect((await commented(out, `rdpdiag ${id} `)).sort((x, y) => x - y), id).toEqual([...want].sort((x, y) => x - y));
  }
  return { report, out };
}

describe.skipIf(!HAVE_DIST || !HAVE_TSHARK)('--annotate', () => {
  it('middlebox reset: the forged RST tshark sees carries the finding; the section header carries the verdict', async () => {
    const input = join(LAB, 'middlebox-reset-clienthello-client.pcapng');
    const { report, out } = await check(input, [], 'text');
    const rst = (await tshark(['-r', input, '-Y', 'tcp.flags.reset==1', '-T', 'fields', '-e', 'frame.number'])).stdout.trim();
    expect(await commented(out, 'tcp.reset-after-clienthello')).toContain(Number(rst));
    const cap = (await tshark(['-r', out, '-T', 'fields', '-e', 'frame.comment', '-Y', `frame.number==${rst}`])).stdout;
    expect(cap).toMatch(/verdict evidence/);
    const info = spawnSync('capinfos', ['-k', out], { encoding: 'utf8' }).stdout;
    expect(info).toContain(`rdpdiag VERDICT: ${(report['verdict'] as Any).cause} (confidence ${(report['verdict'] as Any).confidence})`);
  });

  it('key-log secrets go in only with --annotate-secrets, and then tshark decrypts the copy alone', async () => {
    const input = join(LAB, 'credssp-auth-failure-wrongpass-client.pcapng');
    const keylog = join(LAB, 'credssp-auth-failure-wrongpass.keylog');
    const ntlm = async (f: string, more: string[] = []) => (await tshark(['-r', f, ...more, '-d', 'tcp.port==3389,tls', '-Y', 'ntlmssp', '-T', 'fields', '-e', 'frame.number'])).stdout.trim().split('\n').filter(Boolean).length;
    const withKeys = await ntlm(input, ['-o', `tls.keylog_file:${keylog}`]);
    expect(withKeys).toBeGreaterThan(0);
    const { out } = await check(input, ['--keylog', keylog]);
    expect(await ntlm(out)).toBe(0);
    const secret = join(tmp, 'with-secrets.pcapng');
    const r = run(['analyze', input, '--keylog', keylog, '--annotate', secret, '--annotate-secrets', '--format', 'json']);
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toMatch(/key-log secrets embedded/);
    expect(await ntlm(secret)).toBe(withKeys);
  });

  it('refuses standard input, an input as output, and --annotate-secrets alone, before the analysis', () => {
    const input = join(LAB, 'middlebox-reset-clienthello-client.pcapng');
    for (const [args, why] of [
      [['-', '--annotate', join(tmp, 'x.pcapng')], /standard input cannot be read a second time/],
      [[input, '--annotate', input], /one of the input files/],
      [[input, '--annotate-secrets'], /needs --annotate/],
      [[input, '--annotate', join(tmp, 'nope', 'x.pcapng')], /does not exist/],
    ] as [string[], RegExp][]) {
      const r = run(['analyze', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
    }
  });

  const CORPUS = [
    'ntop__nDPI/tests/cfgs/default/pcap/rdp.pcap', // pcap, BSD loopback
    'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/dhcp-nanosecond.pcap', // nanosecond pcap
    'ajbanjara__Wireshark/uploads/__moin_import__/attachments/Development/PcapNg/many_interfaces.pcapng', // pcapng, several interfaces and link types
    'ajbanjara__Wireshark/uploads/96afe21b136f715d5b96df4a646c57d9/pcapng-example.pcapng',
    'ajbanjara__Wireshark/uploads/5a3487bb74d3724d1ed7e99b31d1c3a7/ws-credssp/win2k19-joined.cap', // NetMon 2
    'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/tcp-syn-attack.cap', // NetXRay / Sniffer
    'awakecoding__wireshark-rdp/captures/rdp-nla-ntlm-rejected1.pcapng',
  ];
  for (const c of CORPUS) {
    it.skipIf(!HAVE_CORPUS || !existsSync(corpusPath(c)))(`corpus ${c}`, async () => {
      await check(corpusPath(c));
    });
  }
});
