/**
 * IP fragment reassembly against tshark's reassembled datagrams on the corpus captures with
 * IPv4/IPv6 fragments: the same datagrams are rebuilt (completing frame, payload length,
 * fragment count), and sets that never complete are reported with the frames they hold.
 */
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/capture/file-source.js';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { Packet } from '../../../src/decode/packet.js';
import { IpDefragmenter } from '../../../src/reassembly/ip-defrag.js';
import { corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../helpers/shared.js';
import { pool, tshark } from '../../helpers/tshark.js';

export const FRAG_FILES = [
  'OISF__suricata-verify/tests/defrag/bug-6887-defrag-eth-vlan-ipv4-tcp-syn/frag-eth-vlan-ip-tcp-syn.pcap',
  'OISF__suricata-verify/tests/defrag/bug-6887-defrag-ipv4-tcp-syn/frag-ip-tcp-syn.pcap',
  'OISF__suricata-verify/tests/exception-policy-defrag-01/ipv4frags.pcap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/Ip4FragmentsForLargeIcmpPacket.pcap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/NMap-Captures.zip_extracted/nmap_ACK_scan_on_port_80_2',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/Ping-1600-bytes.pcap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/teardrop.cap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/vlan.cap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/x509-with-logo.cap',
  'ajbanjara__Wireshark/uploads/df619289f2986680173b8cd3035ca4ac/220614_ip_flags_google.pcapng',
  'chrissanders__packets/ip_frag_source.pcapng',
  'chrissanders__packets/ipv6_fragments.pcapng',
  'markofu__pcaps/PracticalPacketAnalysis/ppa-capture-files/ipfragments.pcap',
  'ntop__nDPI/tests/cfgs/default/pcap/dns_fragmented.pcap',
  'ntop__nDPI/tests/cfgs/default/pcap/ip_fragmented_garbage.pcap',
  'zeek__zeek/testing/btest/Traces/ipv4/fragmented-1.pcap',
  'zeek__zeek/testing/btest/Traces/ipv4/fragmented-2.pcap',
  'zeek__zeek/testing/btest/Traces/ipv4/fragmented-3.pcap',
  'zeek__zeek/testing/btest/Traces/ipv4/fragmented-4.pcap',
  'zeek__zeek/testing/btest/Traces/ipv4/fragmented-syn.pcap',
  'zeek__zeek/testing/btest/Traces/ipv6-fragmented-dns.pcap',
  'zeek__zeek/testing/btest/Traces/ipv6-http-atomic-frag.pcap',
  'zeek__zeek/testing/btest/Traces/ipv6-reassembly-state-leak.pcap',
];

interface Rebuilt {
  frame: number;
  length: number;
  fragments: number;
}

async function ours(file: string) {
  const p = new Packet();
  const d = new IpDefragmenter();
  const rebuilt: Rebuilt[] = [];
  let lastTs = 0;
  let fragments = 0;
  await new FileSource(file, 0).run({
    frame: (f) => {
      if (Number.isFinite(f.ts)) lastTs = f.ts;
      if (!decodeFrame(p, f) || !p.isFragment) return;
      fragments++;
      const whole = d.add(p, f.index, f.ts);
      if (whole) rebuilt.push({ frame: f.index, length: whole.data.length - whole.l4Offset, fragments: whole.frames.length });
    },
    issue: () => {},
    interface: () => {},
    secrets: () => {},
  });
  d.flush(lastTs);
  return { rebuilt, incomplete: d.incomplete, fragments, overlapConflicts: d.overlapConflicts };
}

async function theirs(file: string): Promise<Rebuilt[]> {
  const r = await tshark([
    '-r', file, '-Y', 'ip.reassembled.length or ipv6.reassembled.length', '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'frame.number', '-e', 'ip.reassembled.length', '-e', 'ipv6.reassembled.length', '-e', 'ip.fragment.count', '-e', 'ipv6.fragment.count',
  ]);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [frame, l4, l6, c4, c6] = l.split('\t');
      return { frame: Number(frame), length: Number(l4 || l6), fragments: Number(c4 || c6) };
    });
}

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK)('IP defragmentation vs tshark', () => {
  it('the same datagrams are rebuilt, at the same frame, with the same length and fragment count', async () => {
    const rows: string[] = [];
    let agree = 0;
    let total = 0;
    const diffs: string[] = [];
    await pool(FRAG_FILES.map(corpusPath), 3, async (file) => {
      const [o, t] = await Promise.all([ours(file), theirs(file)]);
      total += t.length;
      const key = (r: Rebuilt) => `${r.frame}/${r.length}/${r.fragments}`;
      const ok = new Set(o.rebuilt.map(key));
      const same = t.filter((r) => ok.has(key(r))).length;
      agree += same;
      rows.push(`${file.split('/').pop()}: tshark ${t.length}, ours ${o.rebuilt.length}, identical ${same}; incomplete sets ${o.incomplete.length}; overlap conflicts ${o.overlapConflicts}`);
      if (same !== t.length || o.rebuilt.length !== t.length) diffs.push(`${file}: tshark ${JSON.stringify(t)} ours ${JSON.stringify(o.rebuilt)}`);
    });
    console.log(`[defrag vs tshark] ${agree}/${total} datagrams identical\n  ${rows.join('\n  ')}\n  ${diffs.join('\n  ')}`);
    expect(diffs).toEqual([]);
  });

  it('fragments that never complete are reported as incomplete sets holding exactly the frames tshark leaves unreassembled', async () => {
    const lines: string[] = [];
    let files = 0;
    await pool(FRAG_FILES.map(corpusPath), 3, async (file) => {
      const o = await ours(file);
      // tshark's fragments grouped by (src, dst, id); a group is complete when one of its
      // frames carries the reassembled length (tshark does not always list the members:
      // teardrop's overlapping set prints no ip.fragment field).
      const frags = await tshark([
        '-r', file, '-Y', 'ip.flags.mf == 1 or ip.frag_offset > 0 or ipv6.fraghdr.more == 1 or ipv6.fraghdr.offset > 0',
        '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ip.id', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'ipv6.fraghdr.ident',
        '-e', 'ip.reassembled.length', '-e', 'ipv6.reassembled.length',
      ]);
      const groups = new Map<string, { frames: number[]; done: boolean }>();
      for (const l of frags.stdout.split('\n').filter(Boolean)) {
        const [n, s4, d4, id4, s6, d6, id6, r4, r6] = l.split('\t');
        const k = `${s4 || s6}>${d4 || d6}/${id4 || id6}`;
        const g = groups.get(k) ?? { frames: [], done: false };
        g.frames.push(Number(n));
        if (r4 || r6) g.done = true;
        groups.set(k, g);
      }
      const leftover = [...groups.values()].filter((g) => !g.done).flatMap((g) => g.frames).sort((a, b) => a - b);
      const reported = o.incomplete.flatMap((s) => s.seen.map((q) => q.frame)).sort((a, b) => a - b);
      if (leftover.length || reported.length) {
        files++;
        lines.push(`${file.split('/').pop()}: tshark unreassembled ${JSON.stringify(leftover)}, ours incomplete ${JSON.stringify(o.incomplete.map((s) => ({ frames: s.seen.map((q) => q.frame), hasFirst: s.hasFirst, hasLast: s.hasLast, reason: s.reason })))}`);
      }
      expect(reported, file).toEqual(leftover);
      for (const s of o.incomplete) {
        expect(s.hasFirst).toBe(s.seen.some((q) => q.offset === 0));
        expect(s.hasLast).toBe(s.seen.some((q) => !q.more));
        expect(s.firstFrame).toBe(Math.min(...s.seen.map((q) => q.frame)));
      }
    });
    console.log(`[defrag incomplete] ${files} files with unreassembled fragments\n  ${lines.join('\n  ')}`);
    expect(files).toBeGreaterThanOrEqual(4);
  });
});
