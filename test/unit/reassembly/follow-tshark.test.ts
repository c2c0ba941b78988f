/**
 * The engine's TCP stream reassembly end to end (FileSource → decode → TrafficEngine →
 * TcpReassembler → a following decoder) against tshark's "Follow TCP stream" on corpus RDP
 * captures with retransmissions: each direction's byte stream is identical.
 */
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/capture/file-source.js';
import { TrafficEngine } from '../../../src/reassembly/engine.js';
import type { Connection } from '../../../src/reassembly/connection.js';
import type { ChunkInfo, Dir, StreamDecoder } from '../../../src/protocols/stream.js';
import { corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../helpers/shared.js';
import { pool, tshark } from '../../helpers/tshark.js';

const FILES = [
  'awakecoding__wireshark-rdp/captures/rdp-nla-ntlm-rejected1.pcapng',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-no-cookie-mstshash.pcap',
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/RDP-002.pcap',
  'zeek__zeek/testing/btest/Traces/rdp/rdp-to-ssl.pcap',
  'ntop__nDPI/tests/cfgs/default/pcap/rdp_over_tls.pcap',
].map(corpusPath);

interface Followed {
  conn: Connection;
  bytes: [Buffer[], Buffer[]];
  gaps: number;
  ends: number;
}

async function ours(file: string): Promise<Followed[]> {
  const out: Followed[] = [];
  const engine = new TrafficEngine({
    followTcp(conn: Connection): StreamDecoder {
      const f: Followed = { conn, bytes: [[], []], gaps: 0, ends: 0 };
      out.push(f);
      return {
        push: (dir: Dir, data: Uint8Array, _i: ChunkInfo) => void f.bytes[dir].push(Buffer.from(data)),
        gap: () => void f.gaps++,
        end: () => void f.ends++,
      };
    },
  });
  await new FileSource(file, 0).run({ frame: (f) => engine.frame(f), issue: (i) => engine.report(i), interface: () => {}, secrets: () => {} });
  engine.finish();
  return out;
}

async function tsharkFollow(file: string, stream: number): Promise<{ node0: string; node1: string; data: [string, string] }> {
  const r = await tshark(['-r', file, '-q', '-z', `follow,tcp,raw,${stream}`]);
  const lines = r.stdout.split('\n');
  const node0 = lines.find((l) => l.startsWith('Node 0: '))!.slice(8);
  const node1 = lines.find((l) => l.startsWith('Node 1: '))!.slice(8);
  const data: [string, string] = ['', ''];
  for (const l of lines) {
    if (!/^\t?[0-9a-f]+$/.test(l)) continue;
    if (l.startsWith('\t')) data[1] += l.slice(1);
    else data[0] += l;
  }
  return { node0, node1, data };
}

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK)('TCP stream reassembly vs tshark Follow TCP Stream', () => {
  it('each direction of each followed connection carries exactly tshark\'s bytes', async () => {
    const lines: string[] = [];
    await pool(FILES, 3, async (file) => {
      const followed = await ours(file);
      const streams = await tshark(['-r', file, '-T', 'fields', '-e', 'tcp.stream']);
      const n = new Set(streams.stdout.split('\n').filter(Boolean)).size;
      expect(followed.length, file).toBe(n);
      for (let s = 0; s < n; s++) {
        const t = await tsharkFollow(file, s);
        const f = followed.find((x) => {
          const c = `${x.conn.client.ip}:${x.conn.client.port}`;
          const v = `${x.conn.server.ip}:${x.conn.server.port}`;
          return (c === t.node0 && v === t.node1) || (c === t.node1 && v === t.node0);
        });
        expect(f, `${file} stream ${s}`).toBeDefined();
        const clientIsNode0 = `${f!.conn.client.ip}:${f!.conn.client.port}` === t.node0;
        const c2s = Buffer.concat(f!.bytes[0]).toString('hex');
        const s2c = Buffer.concat(f!.bytes[1]).toString('hex');
        expect(c2s, `${file} stream ${s} client→server`).toBe(clientIsNode0 ? t.data[0] : t.data[1]);
        expect(s2c, `${file} stream ${s} server→client`).toBe(clientIsNode0 ? t.data[1] : t.data[0]);
        expect(f!.gaps).toBe(0);
        expect(f!.ends).toBe(2);
        lines.push(`${file.split('/').pop()} stream ${s}: ${c2s.length / 2} + ${s2c.length / 2} bytes identical`);
      }
    });
    console.log(`[follow vs tshark]\n  ${lines.join('\n  ')}`);
  });
});
