/**
 * The network rules on the lab captures (captures/lab, staged with real xrdp/xfreerdp/krb5kdc in
 * network namespaces; captures/manifest.json says what was staged). Every expected frame, TTL,
 * size and code is read from the capture with tshark at test time, never from our own output.
 * Lab files are regenerated from time to time: a missing file skips its test.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../src/findings/types.js';
import { HAVE_TSHARK } from '../../../helpers/shared.js';
import { fields, labEntries, labPath, runNetwork } from './run-rules.js';

const has = (name: string) => HAVE_TSHARK && existsSync(labPath(name));
const byId = (fs: Finding[], id: string) => fs.filter((f) => f.id === id);
const causal = (fs: Finding[]) => fs.filter((f) => f.cause !== null);

describe('icmp.unreachable (lab)', () => {
  for (const name of ['icmp-unreachable-host-client.pcapng', 'icmp-unreachable-adminprohib-client.pcapng']) {
    it.skipIf(!has(name))(`${name}: one finding per connection, code/reporter/frames as tshark`, async () => {
      const file = labPath(name);
      const rows = await fields(file, 'icmp.type==3', ['frame.number', 'ip.src', 'icmp.code', 'ip.ttl', 'tcp.srcport']);
      expect(rows.length).toBeGreaterThan(0);
      const { findings } = await runNetwork(file);
      const fs = byId(findings, 'icmp.unreachable');
      const ports = new Set(rows.map((r) => r[4]));
      expect(fs.length).toBe(ports.size);
      expect(fs.flatMap((f) => f.frames).sort((a, b) => a - b)).toEqual(rows.map((r) => Number(r[0])).sort((a, b) => a - b));
      for (const f of fs) {
        expect(f.cause).toBe('icmp-unreachable');
        expect(f.confidence).toBe('high');
        expect(f.data['reporter']).toBe(rows[0]![1]!.split(',')[0]);
        expect(f.data['code']).toBe(Number(rows[0]![2]!.split(',')[0]));
        expect(f.data['reporterTtl']).toBe(Number(rows[0]![3]!.split(',')[0]));
      }
      // The unanswered-SYN rule must step aside for the ICMP explanation.
      expect(byId(findings, 'tcp.syn-unanswered')).toEqual([]);
    });
  }
});

describe('tcp.reset-* (lab)', () => {
  const cases = [
    { name: 'middlebox-reset-cookie-client.pcapng', id: 'tcp.reset-after-x224', cause: 'middlebox-reset', rank: 20 },
    { name: 'middlebox-reset-clienthello-client.pcapng', id: 'tcp.reset-after-clienthello', cause: 'middlebox-reset', rank: 20 },
    { name: 'server-reset-clienthello-client.pcapng', id: 'tcp.reset-after-clienthello', cause: 'server-reset', rank: 50 },
    { name: 'server-reset-clienthello-server.pcapng', id: 'tcp.reset-after-clienthello', cause: 'server-reset', rank: 50 },
  ];
  for (const c of cases) {
    it.skipIf(!has(c.name))(`${c.name}: ${c.id} → ${c.cause}, RST frame/TTL and SYN-ACK TTL as tshark`, async () => {
      const file = labPath(c.name);
      const rsts = await fields(file, 'tcp.flags.reset==1 && tcp.srcport==3389', ['frame.number', 'ip.ttl', 'tcp.dstport']);
      const synacks = await fields(file, 'tcp.flags.syn==1 && tcp.flags.ack==1', ['frame.number', 'ip.ttl', 'tcp.dstport']);
      const { findings } = await runNetwork(file);
      const fs = byId(findings, c.id);
      expect(fs.length).toBe(rsts.length);
      for (const r of rsts) {
        const f = fs.find((x) => x.frames.includes(Number(r[0])))!;
        expect(f).toBeDefined();
        const sa = synacks.find((s) => s[2] === r[2])!;
        expect(f.cause).toBe(c.cause);
        expect(f.rank).toBe(c.rank);
        expect(f.data['rstTtl']).toBe(Number(r[1]));
        expect(f.data['peerTtl']).toBe(Number(sa[1]));
        expect(f.data['forged']).toBe(c.cause === 'middlebox-reset');
        // Forged: the RST's TTL differs from the SYN-ACK's (router one hop closer); genuine: equal.
        expect(Number(r[1]) === Number(sa[1])).toBe(c.cause === 'server-reset');
      }
      // No other failure cause competes from the network rules.
      expect(new Set(causal(findings).map((f) => f.cause))).toEqual(new Set([c.cause]));
    });
  }
});

describe('mtu.blackhole (lab)', () => {
  it.skipIf(!has('mtu-blackhole-1200-client.pcapng'))('client side: the missing full-size segment, sizes and MSS as tshark, concrete MTU advice', async () => {
    const file = labPath('mtu-blackhole-1200-client.pcapng');
    const srv = await fields(file, 'ip.src==10.77.2.2 && tcp', ['ip.len']);
    const mss = await fields(file, 'tcp.flags.syn==1', ['ip.src', 'tcp.options.mss_val']);
    const lost = await fields(file, 'tcp.analysis.lost_segment', ['frame.number']);
    expect(lost.length).toBeGreaterThan(0);
    const { findings } = await runNetwork(file);
    const [f] = byId(findings, 'mtu.blackhole');
    expect(f).toBeDefined();
    expect(f!.cause).toBe('mtu-blackhole');
    expect(f!.confidence).toBe('high');
    expect(f!.data['view']).toBe('receiver');
    const maxSrv = Math.max(...srv.map((r) => Number(r[0])));
    expect(f!.data['largestServerIp']).toBe(maxSrv);
    expect(f!.data['largestPassing']).toBe(maxSrv);
    expect(f!.data['clientMss']).toBe(Number(mss.find((r) => r[0] === '10.77.1.2')![1]));
    expect(f!.data['serverMss']).toBe(Number(mss.find((r) => r[0] === '10.77.2.2')![1]));
    // The vanished size is the full-size datagram for the client's MSS (MSS + 40).
    expect(f!.data['lostSize']).toBe(Number(mss.find((r) => r[0] === '10.77.1.2')![1]) + 40);
    expect(f!.data['recommendedMtu']).toBe(Math.max(576, Math.floor(maxSrv / 10) * 10));
    expect(f!.detail).toContain('netsh interface ipv4 set subinterface');
    expect(causal(findings).every((x) => x.cause === 'mtu-blackhole')).toBe(true);
  });

  it.skipIf(!has('mtu-blackhole-1200-server.pcapng'))('server side: full-size retransmissions counted as tshark, no competing cause', async () => {
    const file = labPath('mtu-blackhole-1200-server.pcapng');
    const rtx = await fields(file, 'tcp.analysis.retransmission && ip.src==10.77.2.2', ['frame.number', 'tcp.len', 'ip.len']);
    const { findings } = await runNetwork(file);
    const [f] = byId(findings, 'mtu.blackhole');
    expect(f).toBeDefined();
    expect(f!.data['view']).toBe('sender');
    expect(f!.confidence).toBe('high');
    const big = rtx.filter((r) => Number(r[1]) >= 1400);
    expect(f!.data['retransmissions']).toBe(big.length);
    expect(f!.data['lostSize']).toBe(Number(big[0]![2]));
    expect(f!.frames).toEqual(big.map((r) => Number(r[0])).slice(0, 12));
    expect(byId(findings, 'tcp.retransmission-storm')).toEqual([]);
    expect(causal(findings).every((x) => x.cause === 'mtu-blackhole')).toBe(true);
  });
});

describe('pmtud.working (lab)', () => {
  it.skipIf(!has('healthy-pmtud-1300-server.pcapng'))('healthy-pmtud server side: ICMP frag-needed honoured, MTU as tshark, no failure cause', async () => {
    const file = labPath('healthy-pmtud-1300-server.pcapng');
    const icmp = await fields(file, 'icmp.type==3 && icmp.code==4', ['frame.number', 'icmp.mtu', 'ip.src']);
    const { findings } = await runNetwork(file);
    const [f] = byId(findings, 'pmtud.working');
    expect(f).toBeDefined();
    expect(f!.cause).toBeNull();
    expect(f!.data['mtu']).toBe(Number(icmp[0]![1]));
    expect(f!.data['reporter']).toBe(icmp[0]![2]!.split(',')[0]);
    expect(f!.frames).toEqual(expect.arrayContaining(icmp.map((r) => Number(r[0]))));
    expect(causal(findings)).toEqual([]);
  });
});

describe('path.lost (lab)', () => {
  it.skipIf(!has('path-lost-after-active-client.pcapng'))('client side: unanswered keep-alives after the server fell silent', async () => {
    const file = labPath('path-lost-after-active-client.pcapng');
    const kas = await fields(file, 'tcp.analysis.keep_alive && ip.src==10.77.1.2', ['frame.number']);
    const srv = await fields(file, 'ip.src==10.77.2.2', ['frame.number']);
    const { findings } = await runNetwork(file);
    const [f] = byId(findings, 'path.lost');
    expect(f).toBeDefined();
    expect(f!.cause).toBe('path-lost');
    expect(f!.data['silentSide']).toBe('server');
    expect(f!.frames).toEqual(expect.arrayContaining([Number(srv[srv.length - 1]![0]), ...kas.map((r) => Number(r[0]))]));
    // The client's own reset afterwards is context, not a cause.
    for (const r of byId(findings, 'tcp.reset-midsession')) expect(r.cause).toBeNull();
    expect(causal(findings).every((x) => x.cause === 'path-lost')).toBe(true);
  });
});

describe('ip.fragments-incomplete (lab)', () => {
  for (const name of ['ip-fragment-loss-kerberos-udponly-client.pcapng', 'ip-fragment-loss-kerberos-tcpfallback-client.pcapng']) {
    it.skipIf(!has(name))(`${name}: the fragments tshark could not reassemble, Kerberos → ip-fragment-loss`, async () => {
      const file = labPath(name);
      const frags = await fields(file, '(ip.flags.mf==1 || ip.frag_offset>0) && !ip.reassembled_in', ['frame.number']);
      const { findings } = await runNetwork(file);
      const fs = byId(findings, 'ip.fragments-incomplete');
      expect(fs.length).toBe(1);
      expect(fs[0]!.cause).toBe('ip-fragment-loss');
      expect(fs[0]!.data['srcPort']).toBe(88);
      expect(fs[0]!.frames).toEqual(frags.map((r) => Number(r[0])));
    });
  }
});

describe('tcp.packet-loss / retransmission-storm (lab, random loss)', () => {
  for (const name of ['packet-loss-40pct-client.pcapng', 'packet-loss-40pct-server.pcapng']) {
    it.skipIf(!has(name))(`${name}: retransmission count as tshark; only packet-loss may be the cause`, async () => {
      const file = labPath(name);
      const stream = await fields(file, 'tcp.flags.syn==1 && tcp.flags.ack==0', ['tcp.stream']);
      const s = stream[0]![0];
      const rtx = await fields(file, `tcp.stream==${s} && (tcp.analysis.retransmission || tcp.analysis.fast_retransmission)`, ['frame.number']);
      const { findings } = await runNetwork(file);
      const fs = [...byId(findings, 'tcp.packet-loss'), ...byId(findings, 'tcp.retransmission-storm')];
      expect(fs.length).toBe(1);
      expect(fs[0]!.data['retransmissions']).toBe(rtx.length);
      for (const f of causal(findings)) expect(['packet-loss', 'mtu-blackhole']).toContain(f.cause);
    });
  }
});

describe('healthy lab captures', () => {
  const healthy = labEntries().filter((e) => e.expectedCause === 'healthy').map((e) => e.file.replace(/^lab\//, ''));
  for (const name of healthy) {
    it.skipIf(!existsSync(labPath(name)))(`${name}: no failure cause from the network rules`, async () => {
      const { findings, ruleErrors } = await runNetwork(labPath(name));
      expect(ruleErrors).toEqual([]);
      expect(causal(findings).map((f) => `${f.id}:${f.cause}:${f.confidence}`)).toEqual([]);
    });
  }
});
