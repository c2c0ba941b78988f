/**
 * Test helper: decrypted TLS application data of a capture, per frame and direction, as
 * tshark 4.0 shows it (`-x` "Decrypted TLS" data sources; secrets come from the pcapng
 * Decryption Secrets Blocks), plus the follow,tls,raw stream for cross-checking.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);
const here = path.dirname(fileURLToPath(import.meta.url));
/** ../shared/captures/public relative to the repository root. */
export const PUBLIC = path.resolve(here, '../../../..', '..', 'shared', 'captures', 'public');
export const HAVE_PUBLIC = existsSync(PUBLIC);
export const RDG_DIR = path.join(PUBLIC, 'awakecoding__wireshark-rdp', 'captures');

export const RDG_CAPTURES = [
  'rdp-rdg-diff-creds-kerberos-password.pcapng',
  'rdp-rdg-diff-creds-kerberos-smartcard.pcapng',
  'rdp-rdg-no-kdc-proxy-ntlm-downgrade-failure.pcapng',
  'rdp-rdg-no-kdc-proxy-ntlm-downgrade-success.pcapng',
  'rdp-rdg-same-creds-kerberos-password-success1.pcapng',
  'rdp-rdg-same-creds-kerberos-password-success2.pcapng',
  'rdp-rdg-same-creds-kerberos-smartcard-success1.pcapng',
  'rdp-rdg-same-creds-kerberos-smartcard-success2.pcapng',
];

export function tshark(args: string[]): string {
  return execFileSync(TSHARK, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

export interface TlsChunk {
  frame: number;
  ts: number;
  dir: 0 | 1;
  data: Uint8Array;
}

/** TCP streams with TLS application data and their client (first SYN sender) port. */
export function tlsStreams(file: string): Map<number, { clientPort: number }> {
  const out = new Map<number, { clientPort: number }>();
  const txt = tshark(['-r', file, '-Y', 'tcp.flags.syn==1 && tcp.flags.ack==0', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.srcport']);
  for (const line of txt.split('\n')) {
    const [s, p] = line.split('\t');
    if (s && p && !out.has(Number(s))) out.set(Number(s), { clientPort: Number(p) });
  }
  return out;
}

/**
 * Decrypted application data of one TCP stream, one chunk per TLS application-data record,
 * in frame order. Parses `tshark -P -x` (summary line, then data sources; a "Decrypted TLS"
 * source exists for every record after ChangeCipherSpec in its direction, Finished
 * included) and keeps the sources of records with content type 23.
 */
export function decryptedChunks(file: string, stream: number): TlsChunk[] {
  const streams = tlsStreams(file);
  const clientPort = streams.get(stream)?.clientPort;
  const meta = new Map<number, { ts: number; dir: 0 | 1; types: number[] }>();
  const fields = tshark(['-r', file, '-Y', `tcp.stream==${stream}`, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'tcp.srcport', '-e', 'tls.record.content_type']);
  for (const line of fields.split('\n')) {
    const [f, t, p, ct] = line.split('\t');
    if (!f) continue;
    const types = ct ? ct.split(',').map(Number) : [];
    meta.set(Number(f), { ts: Number(t), dir: Number(p) === clientPort ? 0 : 1, types });
  }
  const dump = tshark(['-r', file, '-P', '-x', '-Y', `tcp.stream==${stream}`]);
  // Decrypted sources per frame, in order.
  const sources = new Map<number, Uint8Array[]>();
  let frame = 0;
  let cur: number[] | null = null;
  const flush = () => {
    if (cur) {
      const list = sources.get(frame) ?? [];
      list.push(Uint8Array.from(cur));
      sources.set(frame, list);
    }
    cur = null;
  };
  for (const line of dump.split('\n')) {
    const summary = /^\s*(\d+)\s+\d+\.\d+\s/.exec(line);
    if (summary && !/^[0-9a-f]{4,8}  /.test(line)) {
      flush();
      frame = Number(summary[1]);
      continue;
    }
    if (/^[A-Za-z]/.test(line)) {
      flush();
      if (line.startsWith('Decrypted TLS (')) cur = [];
      continue;
    }
    if (cur) {
      const m = /^[0-9a-f]{4,8}  ((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2})/.exec(line);
      if (m) for (const h of m[1]!.split(' ')) cur.push(parseInt(h, 16));
    }
  }
  flush();
  const chunks: TlsChunk[] = [];
  const ccsSeen = [false, false];
  for (const [f, m] of [...meta.entries()].sort((a, b) => a[0] - b[0])) {
    const src = sources.get(f) ?? [];
    let k = 0;
    for (const t of m.types) {
      if (t === 20) {
        ccsSeen[m.dir] = true;
        continue;
      }
      if (!ccsSeen[m.dir]) continue;
      const data = src[k++];
      if (t === 23 && data && data.length > 0) chunks.push({ frame: f, ts: m.ts, dir: m.dir, data });
    }
  }
  return chunks;
}

/** follow,tls,raw: the whole decrypted stream of each direction. */
export function followTls(file: string, stream: number): [Uint8Array, Uint8Array] {
  const txt = tshark(['-r', file, '-q', '-z', `follow,tls,raw,${stream}`]);
  const parts: [string[], string[]] = [[], []];
  const lines = txt.split('\n');
  let started = false;
  for (const line of lines) {
    if (line.startsWith('Node 1:')) {
      started = true;
      continue;
    }
    if (!started) continue;
    if (line.startsWith('====')) break;
    if (!line.trim()) continue;
    if (line.startsWith('\t')) parts[1].push(line.trim());
    else parts[0].push(line.trim());
  }
  const hex = (s: string[]) => Uint8Array.from(Buffer.from(s.join(''), 'hex'));
  return [hex(parts[0]), hex(parts[1])];
}
