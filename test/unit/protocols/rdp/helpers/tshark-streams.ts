/**
 * Test helper: per-direction TCP stream bytes of a capture, extracted with tshark (the oracle),
 * with the Wireshark frame number and time of every chunk, plus decrypted TLS streams via
 * `follow,tls,raw`. Used only by tests; never copies captures into the repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repo root = test/unit/protocols/rdp/helpers/../../../../.. */
export const REPO_ROOT = path.resolve(here, '../../../../..');
/** ../shared/captures/public beside the repository. */
export const PUBLIC_CAPTURES = path.resolve(REPO_ROOT, '..', 'shared', 'captures', 'public');
export const HAVE_PUBLIC = existsSync(PUBLIC_CAPTURES);

export function pub(rel: string): string {
  return path.join(PUBLIC_CAPTURES, rel);
}

export function tshark(args: string[]): string {
  return execFileSync(TSHARK, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

export interface Chunk {
  dir: 0 | 1;
  frame: number;
  ts: number;
  data: Uint8Array;
}

export interface TcpStream {
  index: number;
  clientPort: number;
  serverPort: number;
  /** In-order, de-duplicated payload chunks of both directions, in capture order. */
  chunks: Chunk[];
  /** Bytes missing per direction (out-of-order data never filled). */
  missing: [number, number];
}

function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

/**
 * TCP streams of `file`: every segment with payload, re-sequenced per direction by raw sequence
 * number (retransmitted bytes dropped, out-of-order segments held until contiguous).
 */
export function tcpStreams(file: string, displayFilter = 'tcp'): Map<number, TcpStream> {
  const out = tshark([
    '-r', file, '-Y', displayFilter, '-T', 'fields', '-E', 'separator=\t',
    '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.dstport',
    '-e', 'tcp.seq_raw', '-e', 'tcp.len', '-e', 'tcp.flags.syn', '-e', 'tcp.flags.ack', '-e', 'tcp.payload',
  ]);
  interface DirState { next: number | undefined; pending: Map<number, { frame: number; ts: number; data: Uint8Array }> }
  const streams = new Map<number, TcpStream & { st: [DirState, DirState] }>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [fr, ts, si, sp, dp, seq, len, syn, ack, payload] = line.split('\t');
    const index = Number(si);
    let s = streams.get(index);
    const srcPort = Number(sp);
    const dstPort = Number(dp);
    if (!s) {
      // Server = destination of a bare SYN, else the side on 3389, else the destination of the first packet.
      const bareSyn = syn === '1' && ack === '0';
      const serverPort = bareSyn ? dstPort : srcPort === 3389 ? srcPort : dstPort;
      s = {
        index,
        clientPort: serverPort === dstPort ? srcPort : dstPort,
        serverPort,
        chunks: [],
        missing: [0, 0],
        st: [{ next: undefined, pending: new Map() }, { next: undefined, pending: new Map() }],
      };
      streams.set(index, s);
    }
    const dir: 0 | 1 = dstPort === s.serverPort && srcPort === s.clientPort ? 0 : 1;
    const st = s.st[dir];
    const seqRaw = Number(seq);
    if (syn === '1') {
      st.next = (seqRaw + 1) >>> 0;
      continue;
    }
    const n = Number(len);
    if (!payload || n === 0) continue;
    const data = hexToBytes(payload);
    if (st.next === undefined) st.next = seqRaw;
    const rel = (seqRaw - st.next) | 0; // signed 32-bit distance
    if (rel > 0) {
      st.pending.set(seqRaw, { frame: Number(fr), ts: Number(ts), data });
      continue;
    }
    const fresh = data.subarray(Math.min(data.length, -rel));
    if (fresh.length === 0) continue;
    s.chunks.push({ dir, frame: Number(fr), ts: Number(ts), data: fresh });
    st.next = (st.next + fresh.length) >>> 0;
    // Flush held segments that became contiguous.
    for (let again = true; again; ) {
      again = false;
      for (const [k, v] of st.pending) {
        const r = (k - st.next) | 0;
        if (r <= 0) {
          st.pending.delete(k);
          const f = v.data.subarray(Math.min(v.data.length, -r));
          if (f.length > 0) {
            s.chunks.push({ dir, frame: v.frame, ts: v.ts, data: f });
            st.next = (st.next + f.length) >>> 0;
          }
          again = true;
        }
      }
    }
  }
  for (const s of streams.values()) {
    for (const d of [0, 1] as const) for (const v of s.st[d].pending.values()) s.missing[d] += v.data.length;
  }
  return streams;
}

/**
 * Decrypted TLS application data of TCP stream `index` (tshark decrypts with the capture's
 * Decryption Secrets Block or `keylog`), one chunk per line of `follow,tls,raw`, in order.
 * Frame numbers are not available here: chunks carry frame = line number.
 */
export function followTls(file: string, index: number, opts: { port?: number; keylog?: string } = {}): Chunk[] {
  const args = ['-r', file, '-d', `tcp.port==${opts.port ?? 3389},tls`, '-q', '-z', `follow,tls,raw,${index}`];
  if (opts.keylog) args.push('-o', `tls.keylog_file:${opts.keylog}`);
  const out = tshark(args);
  const chunks: Chunk[] = [];
  let started = false;
  let n = 0;
  for (const line of out.split('\n')) {
    if (line.startsWith('Node 1:')) {
      started = true;
      continue;
    }
    if (!started || line.startsWith('====') || line.trim() === '') continue;
    const dir: 0 | 1 = line.startsWith('\t') ? 1 : 0;
    chunks.push({ dir, frame: ++n, ts: n, data: hexToBytes(line.trim()) });
  }
  return chunks;
}

/**
 * Drops the leading CredSSP TSRequests (DER SEQUENCEs, first byte 0x30) of each direction of a
 * decrypted stream, as the session layer will before handing plaintext to RdpPduDecoder.
 */
export function stripCredSsp(chunks: Chunk[]): Chunk[] {
  const done: [boolean, boolean] = [false, false];
  const skip: [number, number] = [0, 0];
  const out: Chunk[] = [];
  for (const c of chunks) {
    let d = c.data;
    while (!done[c.dir] && d.length > 0) {
      if (skip[c.dir] > 0) {
        const k = Math.min(skip[c.dir], d.length);
        skip[c.dir] -= k;
        d = d.subarray(k);
        continue;
      }
      if (d[0] !== 0x30 || d.length < 2) {
        done[c.dir] = true;
        break;
      }
      const l0 = d[1]!;
      let hdr = 2;
      let len = l0;
      if (l0 & 0x80) {
        const nb = l0 & 0x7f;
        len = 0;
        for (let i = 0; i < nb; i++) len = len * 256 + d[2 + i]!;
        hdr = 2 + nb;
      }
      skip[c.dir] = hdr + len;
    }
    if (d.length > 0 && done[c.dir]) out.push({ ...c, data: d });
  }
  return out;
}

/** Concatenated bytes of one direction. */
export function directionBytes(chunks: Chunk[], dir: 0 | 1): Uint8Array {
  const parts = chunks.filter((c) => c.dir === dir).map((c) => c.data);
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** tshark `-T fields` rows for a display filter: one array of field values per frame. */
export function fieldRows(file: string, filter: string, fields: string[], extra: string[] = []): string[][] {
  const args = ['-r', file, ...extra, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  return tshark(args)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
