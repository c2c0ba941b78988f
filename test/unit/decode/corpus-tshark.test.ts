/**
 * Decoder cross-check on real corpus frames against tshark's fields: IP TTL / hop limit and
 * IPv4 ID, TCP ports, MSS, raw window, window-scale shift, ICMP next-hop MTU and ICMPv6
 * Packet-Too-Big MTU, and the ports of the datagram an ICMP error quotes — over captures
 * with Ethernet, 802.1Q, QinQ, PPPoE, Linux SLL, SLL2, NULL and multi-link pcapng frames.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeTransport } from '../../../src/decode/decoder.js';
import { Packet } from '../../../src/decode/packet.js';
import { corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../helpers/shared.js';
import { pool, tshark } from '../../helpers/tshark.js';
import { FileSource } from '../../../src/capture/file-source.js';

const FILES = [
  'packetpioneer__youtube/PMTUD.pcapng',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-to-ssl.pcap',
  'ntop__nDPI/tests/cfgs/default/pcap/rdp.pcap',
  'ajbanjara__Wireshark/uploads/5a3487bb74d3724d1ed7e99b31d1c3a7/ws-credssp/freerdp-client-krb5.pcapng',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/attachment_SLL_Simple.pcap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/Development/PcapNg/many_interfaces.pcapng',
  'arkime__arkime/tests/pcap/twovlan.pcap',
  'zeek__zeek/testing/btest/Traces/q-in-q.pcap',
  'zeek__zeek/testing/btest/Traces/pppoe.pcap',
  'zeek__zeek/testing/btest/Traces/linux_dlt_sll2.pcap',
  'zeek__zeek/testing/btest/Traces/icmp/icmp6-toobig.pcap',
  'zeek__zeek/testing/btest/Traces/icmp/icmp-destunreach-udp.pcap',
  'zeek__zeek/testing/btest/Traces/ipv6-http-atomic-frag.pcap',
  'markofu__pcaps/PracticalPacketAnalysis/ppa-capture-files/destunreachable.pcap',
  'the-tcpdump-group__tcpdump/tests/tcp-handshake-nano.pcap',
  'OISF__suricata-verify/tests/decode-sll2-01/input.pcap',
].map(corpusPath);

const FIELDS = [
  'frame.number', 'ip.ttl', 'ip.id', 'ipv6.hlim', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport',
  'tcp.options.mss_val', 'tcp.window_size_value', 'tcp.options.wscale.shift', 'icmp.mtu', 'icmpv6.mtu', 'icmp.type', 'icmpv6.type',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

interface Ours {
  ip: boolean;
  v: number;
  ttl: number;
  ipId: number;
  frag: boolean;
  proto: number;
  sport: number;
  dport: number;
  mss: number;
  window: number;
  wscale: number;
  icmpType: number;
  mtu: number;
  qsport: number;
  qdport: number;
  qproto: number;
}

async function ours(file: string): Promise<Ours[]> {
  const out: Ours[] = [];
  const p = new Packet();
  await new FileSource(file, 0).run({
    frame: (f) => {
      const ip = decodeFrame(p, f);
      const frag = p.isFragment;
      if (ip && !frag && p.stop === '') decodeTransport(p);
      out.push({
        ip: ip && p.ipVersion !== 0, v: p.ipVersion, ttl: p.ttl, ipId: p.ipId, frag, proto: p.proto, sport: p.srcPort, dport: p.dstPort,
        mss: p.mss, window: p.window, wscale: p.wscale, icmpType: p.icmpType, mtu: p.icmpMtu,
        qsport: p.quote.ipVersion ? p.quote.srcPort : -1, qdport: p.quote.ipVersion ? p.quote.dstPort : -1, qproto: p.quote.ipVersion ? p.quote.proto : -1,
      });
    },
    issue: () => {},
    interface: () => {},
    secrets: () => {},
  });
  return out;
}

async function theirs(file: string): Promise<Row[]> {
  const r = await tshark(['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...FIELDS.flatMap((f) => ['-e', f])]);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const cols = l.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ?? ''])) as Row;
    });
}

const first = (s: string) => s.split(',')[0] ?? '';
const num = (s: string) => (s === '' ? NaN : s.startsWith('0x') ? parseInt(s, 16) : Number(s));

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK)('decoders vs tshark fields on corpus frames', () => {
  it('TTL, IP ID, ports, MSS, window, window scale, ICMP MTU and quoted ports agree frame by frame', async () => {
    const tally: Record<string, number> = {};
    const count = (k: string) => (tally[k] = (tally[k] ?? 0) + 1);
    const missed: string[] = [];
    await pool(FILES, 3, async (file) => {
      const [a, b] = await Promise.all([ours(file), theirs(file)]);
      expect(a.length, file).toBe(b.length);
      a.forEach((o, i) => {
        const t = b[i]!;
        const at = `${file} frame ${i + 1}`;
        const hasIp = t['ip.ttl'] !== '' || t['ipv6.hlim'] !== '';
        if (hasIp && !o.ip) missed.push(at);
        if (!o.ip) return;
        // Outer header: tshark lists every IP header (tunnels, ICMP quotes); the first is the outer one.
        if (o.v === 4) {
          expect(o.ttl, `${at} ip.ttl`).toBe(num(first(t['ip.ttl'])));
          expect(o.ipId, `${at} ip.id`).toBe(num(first(t['ip.id'])));
          count('ip.ttl+ip.id');
        } else {
          expect(o.ttl, `${at} ipv6.hlim`).toBe(num(first(t['ipv6.hlim'])));
          count('ipv6.hlim');
        }
        if (o.frag) return;
        if (o.icmpType >= 0) {
          expect(o.icmpType, `${at} icmp type`).toBe(num(first(t['icmp.type'] || t['icmpv6.type'])));
          const mtu = num(first(t['icmp.mtu'] || t['icmpv6.mtu']));
          if (Number.isFinite(mtu)) {
            expect(o.mtu, `${at} icmp mtu`).toBe(mtu);
            count('icmp.mtu/icmpv6.mtu');
          }
          // The quoted transport header: tshark dissects it as the frame's (only) tcp/udp layer.
          if (o.qproto === 6 || o.qproto === 17) {
            const pre = o.qproto === 6 ? 'tcp' : 'udp';
            expect([o.qsport, o.qdport], `${at} quoted ports`).toEqual([num(first(t[`${pre}.srcport`])), num(first(t[`${pre}.dstport`]))]);
            count('quoted ports');
          }
          return;
        }
        if (o.proto === 6 && t['tcp.srcport'] !== '') {
          expect([o.sport, o.dport, o.window], `${at} tcp ports/window`).toEqual([num(first(t['tcp.srcport'])), num(first(t['tcp.dstport'])), num(first(t['tcp.window_size_value']))]);
          count('tcp ports+window');
          const mss = num(first(t['tcp.options.mss_val']));
          expect(o.mss, `${at} mss`).toBe(Number.isFinite(mss) ? mss : -1);
          if (Number.isFinite(mss)) count('tcp.options.mss_val');
          const ws = num(first(t['tcp.options.wscale.shift']));
          expect(o.wscale, `${at} wscale`).toBe(Number.isFinite(ws) ? ws : -1);
          if (Number.isFinite(ws)) count('tcp.options.wscale.shift');
        }
        if (o.proto === 17 && t['udp.srcport'] !== '') {
          expect([o.sport, o.dport], `${at} udp ports`).toEqual([num(first(t['udp.srcport'])), num(first(t['udp.dstport']))]);
          count('udp ports');
        }
      });
    });
    console.log(`[decode vs tshark] ${FILES.length} files; agreeing values: ${JSON.stringify(tally)}; IP frames tshark decodes and we do not: ${missed.length}`);
    expect(missed).toEqual([]);
    expect(tally['icmp.mtu/icmpv6.mtu']).toBeGreaterThanOrEqual(5);
    expect(tally['tcp.options.wscale.shift']).toBeGreaterThan(10);
  });
});
