/**
 * ICMP errors matched back to the connection they quote (engine + flow table), against
 * tshark on PMTUD.pcapng: four "fragmentation needed, next-hop MTU 1350" messages from the
 * router, each quoting a 1500-byte (ip.len of the quote) SMB segment 445 → 1935 of the one
 * TCP connection in the capture.
 */
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/capture/file-source.js';
import { TrafficEngine } from '../../../src/reassembly/engine.js';
import { corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

const FILE = corpusPath('packetpioneer__youtube/PMTUD.pcapng');

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK)('ICMP errors linked to their connection', () => {
  it('PMTUD.pcapng: every frag-needed error has tshark\'s MTU, reporter, quoted ports and length, and finds the TCP connection', async () => {
    const engine = new TrafficEngine();
    await new FileSource(FILE, 0).run({ frame: (f) => engine.frame(f), issue: () => {}, interface: () => {}, secrets: () => {} });
    engine.finish();
    const t = await tshark(['-r', FILE, '-Y', 'icmp.type == 3', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'icmp.code', '-e', 'icmp.mtu', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'ip.len', '-e', 'ip.ttl', '-e', 'ip.dst']);
    const rows = t.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    expect(rows.length).toBe(4);
    expect(engine.icmpErrors.length).toBe(rows.length);
    const tcpConns = engine.flows.all.filter((c) => c.transport === 'tcp');
    rows.forEach((r, i) => {
      const e = engine.icmpErrors[i]!;
      const [frame, src, code, mtu, sport, dport, len, ttl, dst] = r as [string, string, string, string, string, string, string, string, string];
      expect(e.frame).toBe(Number(frame));
      expect([e.type, e.code, e.mtu]).toEqual([3, Number(code), Number(mtu)]);
      expect(e.reporter).toBe(src.split(',')[0]);
      expect(e.ttl).toBe(Number(ttl.split(',')[0]));
      // tshark lists the outer then the quoted IP header's addresses.
      expect([e.quotedSrc, e.quotedDst]).toEqual([src.split(',')[1], dst.split(',')[1]]);
      expect([e.quotedProto, e.quotedSrcPort, e.quotedDstPort]).toEqual([6, Number(sport), Number(dport)]);
      expect(e.quotedLength).toBe(Number(len.split(',')[1]));
      expect(e.quotedDf).toBe(true);
      // The quoted segment is the server's (port 445 → 1935): server → client.
      expect(e.connection).toBe(tcpConns.find((c) => c.server.port === 445 && c.client.port === 1935));
      expect(e.quotedFromClient).toBe(false);
    });
  });
});
