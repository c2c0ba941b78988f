/**
 * Our names against Wireshark's: tshark 4.0.17 value tables (`tshark -G values`) and real captures
 * from ../shared/captures/public decoded by tshark. Skips without tshark or the corpus.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { icmpv4, icmpv6 } from '../../../src/codes/icmp.js';
import { icmpv6TypeTable } from '../../../src/codes/icmp.js';
import { kerberosErrorTable } from '../../../src/codes/kerberos-errors.js';
import { licensingErrorTable, licensingMessageTypeTable, licensingStateTable } from '../../../src/codes/licensing.js';
import { ntstatusTable } from '../../../src/codes/ntstatus.js';
import { rdpNegFailureTable } from '../../../src/codes/rdp-neg-failure.js';
import { rdpProtocolTable } from '../../../src/codes/rdp-protocols.js';
import type { CodeTable } from '../../../src/codes/table.js';
import { tlsAlertTable } from '../../../src/codes/tls-alerts.js';
import { tlsCipherSuiteTable } from '../../../src/codes/tls-cipher-suites.js';
import { tlsVersionTable } from '../../../src/codes/tls-versions.js';
import { CAPTURES } from './facts.js';

const TSHARK = '/usr/bin/tshark';
const HAVE_TSHARK = existsSync(TSHARK);
const HAVE_CORPUS = existsSync(CAPTURES);
if (!HAVE_TSHARK) console.warn('tshark not found: oracle tests skipped');
if (!HAVE_CORPUS) console.warn('../shared/captures/public not found: corpus oracle tests skipped');

function tshark(args: string[]): string {
  try {
    return execFileSync(TSHARK, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000, maxBuffer: 512 * 1024 * 1024 });
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    return typeof out === 'string' ? out : '';
  }
}

const norm = (s: string): string => s.toLowerCase().replace(/[\s-]+/g, '_');
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

describe.skipIf(!HAVE_TSHARK)('names agree with tshark -G values', () => {
  const values = new Map<string, Map<number, string>>();
  beforeAll(() => {
    for (const line of tshark(['-G', 'values']).split('\n')) {
      const f = line.split('\t');
      if (f[0] !== 'V' || f.length < 4) continue;
      const v = Number(f[2]);
      if (!Number.isFinite(v)) continue;
      let m = values.get(f[1]!);
      if (!m) values.set(f[1]!, (m = new Map()));
      if (!m.has(v)) m.set(v, f[3]!);
    }
  });
  const field = (f: string): Map<number, string> => {
    const m = values.get(f);
    expect(m, f).toBeDefined();
    return m!;
  };
  /** Compare every entry of `table` that Wireshark knows; return [agreed, compared]. */
  function agree(table: CodeTable, f: string, same: (ours: string, ws: string) => boolean, skip: (code: number) => boolean = () => false): [number, number] {
    const ws = field(f);
    let ok = 0;
    let n = 0;
    const bad: string[] = [];
    for (const e of table.entries) {
      if (skip(e.code)) continue;
      const w = ws.get(e.code);
      if (w === undefined) continue;
      n++;
      if (same(e.name, w)) ok++;
      else bad.push(`${e.code.toString(16)}: ${e.name} vs ${w}`);
    }
    expect(bad, bad.join('\n')).toEqual([]);
    return [ok, n];
  }

  it('cipher suites: every entry has Wireshark\'s name (all non-GREASE entries are in its table)', () => {
    const [ok, n] = agree(tlsCipherSuiteTable, 'tls.handshake.ciphersuite', (a, b) => a === b);
    const grease = tlsCipherSuiteTable.entries.filter((e) => e.name === 'Reserved (GREASE)').length;
    expect(n).toBe(tlsCipherSuiteTable.entries.length); // GREASE values are in Wireshark's table too
    expect(ok).toBe(n);
    expect(grease).toBe(16);
  });

  it('TLS alerts, versions', () => {
    const [ok, n] = agree(tlsAlertTable, 'tls.alert_message.desc', (a, b) => norm(a) === norm(b));
    expect(n).toBe(tlsAlertTable.entries.length);
    expect(ok).toBe(n);
    const [vok, vn] = agree(tlsVersionTable, 'tls.handshake.version', (a, b) => a === b);
    expect(vn).toBe(tlsVersionTable.entries.length);
    expect(vok).toBe(vn);
  });

  it('Kerberos error codes: same value set 0-76 and the same names', () => {
    const ws = field('kerberos.error_code');
    for (const code of ws.keys()) expect(kerberosErrorTable.find(code), `krb ${code}`).toBeDefined();
    const [ok, n] = agree(kerberosErrorTable, 'kerberos.error_code', (a, b) => {
      const core = norm(b).replace(/^(err|error)_/, '');
      return norm(a).endsWith(core) || squash(a).includes(squash(core)); // Wireshark abbreviates KEY_EXPIRED as KEY-EXP
    });
    expect(n).toBe(ws.size);
    expect(ok).toBe(n);
  });

  it('NTSTATUS names (Wireshark smb2.nt_status table)', () => {
    const [ok, n] = agree(ntstatusTable, 'smb2.nt_status', (a, b) => a === b);
    expect(n).toBeGreaterThanOrEqual(30);
    expect(ok).toBe(n);
  });

  it('RDP licensing, negotiation failure and protocol value sets match packet-rdp.c', () => {
    const sameSet = (t: CodeTable, f: string): void => {
      expect([...field(f).keys()].sort((a, b) => a - b)).toEqual(t.entries.map((e) => e.code).sort((a, b) => a - b));
    };
    sameSet(licensingErrorTable, 'rdp.errorCode');
    sameSet(licensingStateTable, 'rdp.stateTransition');
    sameSet(licensingMessageTypeTable, 'rdp.bMsgType');
    sameSet(rdpNegFailureTable, 'rdp.negFailure.failureCode');
    agree(licensingErrorTable, 'rdp.errorCode', (a, b) => squash(a.replace(/^(ERR|STATUS)_/, '')).startsWith(squash(b).slice(0, 12)));
    // Wireshark 4.0 lacks RDSAAD (0x10); the other five agree as values.
    for (const v of field('rdp.negReq.selectedProtocol').keys()) expect(rdpProtocolTable.find(v)).toBeDefined();
  });

  it('ICMPv6 type names', () => {
    const [ok, n] = agree(icmpv6TypeTable, 'icmpv6.type', (a, b) => a === b);
    expect(n).toBe(icmpv6TypeTable.entries.length);
    expect(ok).toBe(n);
  });
});

/** Captures whose MANIFEST row mentions one of `markers` (TLS alerts, KRB-ERROR, ClientHello…), at most `limit` per marker. */
function manifestFiles(markers: ReadonlyArray<readonly [string, number]>): string[] {
  const md = readFileSync(path.join(CAPTURES, 'MANIFEST.md'), 'utf8');
  const rows = [...md.matchAll(/^\| `([^`]+)`(.*)$/gm)];
  const out = new Set<string>();
  for (const [marker, limit] of markers) {
    let n = 0;
    for (const m of rows) {
      if (n >= limit) break;
      const f = path.join(CAPTURES, m[1]!);
      if (!(m[2] ?? '').includes(marker) || !existsSync(f) || statSync(f).size > 30_000_000) continue;
      if (!out.has(f)) n++;
      out.add(f);
    }
  }
  return [...out];
}

describe.skipIf(!HAVE_TSHARK || !HAVE_CORPUS)('codes seen by tshark in real captures are known, with the same meaning', () => {
  it('RDP_NEG_FAILURE codes (rdp-no-nla-rejected1, rdp-nla-ntlm-rejected1, RDP-004, rdp-proprietary-encryption)', () => {
    const files = [
      'awakecoding__wireshark-rdp/captures/rdp-no-nla-rejected1.pcapng',
      'awakecoding__wireshark-rdp/captures/rdp-nla-ntlm-rejected1.pcapng',
      'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/RDP-004.pcap',
      'zeek__zeek/testing/btest/Traces/rdp/rdp-proprietary-encryption.pcap',
    ].map((f) => path.join(CAPTURES, f));
    const seen: number[] = [];
    for (const f of files.filter(existsSync)) {
      for (const v of tshark(['-r', f, '-Y', 'rdp.negFailure.failureCode', '-T', 'fields', '-e', 'rdp.negFailure.failureCode']).split(/\s+/).filter(Boolean)) seen.push(Number(v));
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const c of seen) expect(rdpNegFailureTable.find(c)).toBeDefined();
    // The MANIFEST names these failures; our names must match its wording.
    expect(new Set(seen.map((c) => rdpNegFailureTable.lookup(c).name))).toEqual(new Set(['HYBRID_REQUIRED_BY_SERVER', 'SSL_NOT_ALLOWED_BY_SERVER']));
  });

  it('TLS alerts, Kerberos error codes and ServerHello cipher suites in the captures the MANIFEST lists with them', () => {
    const files = manifestFiles([['TLS alerts', 40], ['KRB-ERROR', 25], ['selected HYBRID', 10], ['ClientHello ver', 25]]);
    expect(files.length).toBeGreaterThan(40);
    const alerts = new Map<number, number>();
    const krb = new Map<number, number>();
    const suites = new Map<number, number>();
    for (const f of files) {
      const out = tshark(['-r', f, '-Y', 'tls.alert_message.desc || kerberos.error_code || tls.handshake.type == 2', '-T', 'fields', '-E', 'separator=|', '-e', 'tls.alert_message.desc', '-e', 'kerberos.error_code', '-e', 'tls.handshake.type', '-e', 'tls.handshake.ciphersuite']);
      for (const line of out.split('\n')) {
        const [a, k, types, cs] = line.split('|');
        for (const v of (a ?? '').split(',').filter(Boolean)) alerts.set(Number(v), (alerts.get(Number(v)) ?? 0) + 1);
        for (const v of (k ?? '').split(',').filter(Boolean)) krb.set(Number(v), (krb.get(Number(v)) ?? 0) + 1);
        if ((types ?? '').split(',').includes('2')) {
          // In a ServerHello the ciphersuite field is the selected suite.
          for (const v of (cs ?? '').split(',').filter(Boolean)) suites.set(Number(v), (suites.get(Number(v)) ?? 0) + 1);
        }
      }
    }
    const unknown = (m: Map<number, number>, t: CodeTable): string[] => [...m.keys()].filter((c) => !t.find(c)).map((c) => `0x${c.toString(16)}`);
    expect(alerts.size).toBeGreaterThan(3);
    expect(krb.size).toBeGreaterThan(2);
    expect(suites.size).toBeGreaterThan(5);
    expect(unknown(alerts, tlsAlertTable), 'alerts').toEqual([]);
    expect(unknown(krb, kerberosErrorTable), 'kerberos').toEqual([]);
    expect(unknown(suites, tlsCipherSuiteTable), 'selected cipher suites').toEqual([]);
    // Values the MANIFEST reports, by name.
    expect(tlsAlertTable.lookup(70).name).toBe('protocol_version');
    expect(kerberosErrorTable.lookup(24).name).toBe('KDC_ERR_PREAUTH_FAILED');
    console.info(`tshark corpus: ${files.length} files, alerts ${[...alerts.keys()].join(',')}, krb ${[...krb.keys()].join(',')}, ${suites.size} distinct selected suites`);
  });

  it('ICMP type/code text matches tshark\'s Info column', () => {
    const files = [
      'zeek__zeek/testing/btest/Traces/icmp/icmp6-toobig.pcap',
      'zeek__zeek/testing/btest/Traces/icmp/icmp-timeexceeded.pcap',
      'zeek__zeek/testing/btest/Traces/icmp/icmp-destunreach-ip.pcap',
      'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/attachment_SLL_Simple.pcap',
      'idaholab__Malcolm-Test-Artifacts/pcap/plugins/bro-simple-scan/backscatter.trace',
      'markofu__pcaps/PracticalPacketAnalysis/ppa-capture-files/icmp-tracert-slow.pcap',
      'packetpioneer__youtube/PMTUD.pcapng',
      'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/dns-icmp.pcapng',
    ].map((f) => path.join(CAPTURES, f)).filter(existsSync);
    let compared = 0;
    const bad: string[] = [];
    for (const f of files) {
      const out = tshark(['-r', f, '-Y', '(icmp && !icmp.resp_to && !icmp.resptime) || icmp || (icmpv6.type < 128)', '-T', 'fields', '-E', 'separator=|', '-e', 'icmp.type', '-e', 'icmp.code', '-e', 'icmpv6.type', '-e', 'icmpv6.code', '-e', '_ws.col.Info']);
      for (const line of out.split('\n')) {
        const [t4, c4, t6, c6, info] = line.split('|');
        if (!info) continue;
        if (t4) {
          const d = icmpv4(Number(t4.split(',')[0]), Number(c4?.split(',')[0]));
          compared++;
          if (!info.startsWith(d.code ? d.text : d.type.name)) bad.push(`${t4}/${c4}: "${d.text}" vs "${info}"`);
        } else if (t6) {
          const d = icmpv6(Number(t6.split(',')[0]), Number(c6?.split(',')[0]));
          compared++;
          if (!info.startsWith(d.type.name)) bad.push(`v6 ${t6}/${c6}: "${d.type.name}" vs "${info}"`);
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
