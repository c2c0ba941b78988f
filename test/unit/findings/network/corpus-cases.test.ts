/**
 * Network rules on named public-corpus captures, expected values read with tshark:
 *  - packetpioneer PMTUD.pcapng: ICMP frag-needed (MTU 1350) honoured → pmtud.working;
 *  - zeek rdpeudp-handshake-fail: RDP-UDP SYNs without SYN+ACK → udp.rdpudp-failed (context);
 *  - awakecoding rdp-no-nla-rejected1: the client's RST after RDP_NEG_FAILURE is context only;
 *  - NMap OS scan: SYNs to 3389 answered by RST → tcp.syn-refused on tshark's RST frames;
 *  - NMap scans touching 3389 without answers and fragment captures (ipfrags, Ping-1600, zeek fragmented-*):
 *    no failure cause at high confidence (no RDP session there);
 *  - slowfile client/server (HTTP, a PMTU black hole the server recovered from): not RDP-related,
 *    so nothing causal at high confidence.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusEntries, corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../../helpers/shared.js';
import { fields, runNetwork } from './run-rules.js';

const find = (suffix: string) => corpusEntries().find((e) => e.local.endsWith(suffix))?.local ?? null;
const ok = (suffix: string) => HAVE_CORPUS && HAVE_TSHARK && find(suffix) !== null && existsSync(corpusPath(find(suffix)!));

describe.skipIf(!HAVE_CORPUS)('network rules on named corpus captures', () => {
  it.skipIf(!ok('packetpioneer__youtube/PMTUD.pcapng'))('PMTUD.pcapng: pmtud.working with the MTU and ICMP frames tshark shows', async () => {
    const file = corpusPath(find('packetpioneer__youtube/PMTUD.pcapng')!);
    const icmp = await fields(file, 'icmp.type==3 && icmp.code==4', ['frame.number', 'icmp.mtu']);
    const smaller = await fields(file, `tcp.len>0 && ip.len<=${icmp[0]![1]} && frame.number>${icmp[0]![0]} && ip.len>${Number(icmp[0]![1]) - 100}`, ['frame.number']);
    expect(smaller.length).toBeGreaterThan(0); // the sender did re-send in smaller segments
    const { findings } = await runNetwork(file);
    const w = findings.filter((f) => f.id === 'pmtud.working');
    expect(w.length).toBe(1);
    expect(w[0]!.data['mtu']).toBe(Number(icmp[0]![1]));
    expect(w[0]!.data['icmpCount']).toBe(icmp.length);
    expect(w[0]!.frames).toEqual(expect.arrayContaining(icmp.map((r) => Number(r[0]))));
    expect(findings.filter((f) => f.id === 'pmtud.ignored')).toEqual([]);
  });

  it.skipIf(!ok('rdp/rdpeudp-handshake-fail.pcap'))('rdpeudp-handshake-fail: udp.rdpudp-failed, SYN frames as tshark, no cause', async () => {
    const file = corpusPath(find('rdp/rdpeudp-handshake-fail.pcap')!);
    const syns = await fields(file, 'udp.dstport==3389', ['frame.number']);
    const { findings } = await runNetwork(file);
    const f = findings.filter((x) => x.id === 'udp.rdpudp-failed');
    expect(f.length).toBe(1);
    expect(f[0]!.cause).toBeNull();
    expect(f[0]!.frames).toEqual(syns.map((r) => Number(r[0])));
  });

  it.skipIf(!ok('rdp/rdp-rdpeudp-handshake-fail.pcap'))('rdp-rdpeudp-handshake-fail: UDP failed while TCP carried on → harmless context', async () => {
    const { findings } = await runNetwork(corpusPath(find('rdp/rdp-rdpeudp-handshake-fail.pcap')!));
    const f = findings.find((x) => x.id === 'udp.rdpudp-failed');
    expect(f?.data['tcpCarriedOn']).toBe(true);
    expect(findings.filter((x) => x.cause !== null && x.confidence === 'high')).toEqual([]);
  });

  it.skipIf(!ok('captures/rdp-no-nla-rejected1.pcapng'))('rdp-no-nla-rejected1: the client RST after RDP_NEG_FAILURE is context (cause null)', async () => {
    const file = corpusPath(find('captures/rdp-no-nla-rejected1.pcapng')!);
    const rst = await fields(file, 'tcp.flags.reset==1', ['frame.number', 'tcp.srcport']);
    const { findings } = await runNetwork(file);
    const f = findings.find((x) => x.id === 'tcp.reset-after-x224');
    expect(f).toBeDefined();
    expect(f!.frames).toContain(Number(rst[0]![0]));
    expect(rst[0]![1]).not.toBe('3389'); // sent by the client
    expect(f!.cause).toBeNull();
    expect(String(f!.data['explainedBy'])).toContain('RDP_NEG_FAILURE');
  });

  it.skipIf(!ok('nmap_OS_scan_succesful'))('nmap_OS_scan_succesful: the 3389 probes answered by RST → tcp.syn-refused on exactly tshark\'s RST frames', async () => {
    const file = corpusPath(find('nmap_OS_scan_succesful')!);
    const rst = await fields(file, 'tcp.srcport==3389 && tcp.flags.reset==1', ['frame.number', 'ip.ttl']);
    const { findings } = await runNetwork(file);
    const refused = findings.filter((f) => f.id === 'tcp.syn-refused');
    expect(refused.flatMap((f) => f.frames).filter((n) => rst.some((r) => Number(r[0]) === n)).sort((a, b) => a - b)).toEqual(rst.map((r) => Number(r[0])));
    for (const f of refused) expect(rst.map((r) => Number(r[1]))).toContain(f.data['rstTtl']);
  });

  const quiet = ['nmap_OS_scan', 'nmap_standard_scan', 'SampleCaptures/ipv4frags.pcap', 'Ping-1600-bytes.pcap', 'ipv4/fragmented-1.pcap', 'ipv4/fragmented-4.pcap', 'ppa-capture-files/ipfragments.pcap', 'slowfile-clientside.pcapng', 'slowfile-serverside.pcapng'];
  for (const q of quiet) {
    it.skipIf(!ok(q))(`${q}: no failure cause at high confidence`, async () => {
      const { findings, ruleErrors } = await runNetwork(corpusPath(find(q)!));
      expect(ruleErrors).toEqual([]);
      expect(findings.filter((f) => f.cause !== null && f.confidence === 'high').map((f) => f.id)).toEqual([]);
    });
  }
});
