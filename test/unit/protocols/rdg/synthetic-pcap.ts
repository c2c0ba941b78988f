/**
 * Test helper: rebuilds a plain-TCP pcap (port 80) from decrypted gateway chunks with
 * text2pcap, so that tshark's own HTTP and WebSocket dissectors can serve as the oracle.
 * tshark 4.0 does not know the RDG_OUT_DATA method, so it never sees the upgrade request
 * and never switches to WebSocket on the original capture: the request method is rewritten
 * to GET (same headers) in the synthetic copy. One synthetic packet per decrypted chunk, in
 * the same order, so synthetic frame k corresponds to chunk k-1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TlsChunk } from './tshark-tls.js';

export const TEXT2PCAP = '/usr/bin/text2pcap';

export function syntheticPcap(chunks: TlsChunk[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdg-synth-'));
  const txt = path.join(dir, 'dump.txt');
  const out = path.join(dir, 'synth.pcap');
  const lines: string[] = [];
  for (const c of chunks) {
    let data = Buffer.from(c.data);
    const s = data.toString('latin1');
    if (c.dir === 0 && /^RDG_(OUT|IN)_DATA /.test(s)) data = Buffer.from(s.replace(/^RDG_(OUT|IN)_DATA /, 'GET '), 'latin1');
    lines.push(c.dir === 0 ? 'I' : 'O');
    for (let o = 0; o < data.length; o += 16) {
      const row = [...data.subarray(o, o + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      lines.push(`${o.toString(16).padStart(6, '0')} ${row}`);
    }
  }
  writeFileSync(txt, lines.join('\n') + '\n');
  execFileSync(TEXT2PCAP, ['-q', '-D', '-4', '10.0.0.1,10.0.0.2', '-T', '50000,80', txt, out], { stdio: 'ignore' });
  return out;
}
