/**
 * A pcapng writer (little-endian, one section): Section Header, Interface Description,
 * Enhanced Packet (with comments and direction flags), Decryption Secrets and Interface
 * Statistics blocks. Blocks are encoded into one reused buffer and written with synchronous
 * writes in large chunks: the writer runs at the edge (annotation pass, live -w), never in a
 * decoder.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export const BT = { SHB: 0x0a0d0d0a, IDB: 1, ISB: 5, EPB: 6, DSB: 0x0a } as const;
const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const EPB_FLAGS = 2;
const ISB_STARTTIME = 2;
const ISB_ENDTIME = 3;
const ISB_IFRECV = 4;
const ISB_IFDROP = 5;
const ISB_OSDROP = 7;
/** Decryption Secrets Block type for an NSS key log. */
export const SECRETS_TLS_KEYLOG = 0x544c534b;

const enc = new TextEncoder();

export interface InterfaceSpec {
  linkType: number;
  snaplen: number;
  name?: string;
}

export interface InterfaceStats {
  /** Capture time (epoch seconds and nanoseconds) the statistics apply to. */
  tsSec: number;
  tsNsec: number;
  received?: number;
  /** Dropped by the interface / capture library (isb_ifdrop). */
  ifDropped?: number;
  /** Dropped by the OS or by this program's own queue (isb_osdrop). */
  osDropped?: number;
  startSec?: number;
  startNsec?: number;
}

export class PcapngWriter {
  private fd: number;
  private buf = new Uint8Array(1 << 20);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private interfaces = 0;
  /** Bytes written so far (including what is still buffered). */
  written = 0;

  constructor(
    readonly path: string,
    opts: { comment?: string | null; application?: string } = {},
  ) {
    this.fd = openSync(path, 'w');
    const options: [number, Uint8Array][] = [];
    if (opts.comment) options.push([OPT_COMMENT, enc.encode(opts.comment)]);
    if (opts.application) options.push([SHB_USERAPPL, enc.encode(opts.application)]);
    const body = 16 + optionsLength(options);
    this.begin(BT.SHB, body);
    this.u32(0x1a2b3c4d);
    this.u16(1);
    this.u16(0);
    // Section length unknown: -1.
    this.u32(0xffffffff);
    this.u32(0xffffffff);
    this.options(options);
    this.end(body);
  }

  /** Adds an interface; returns its id in this section. Timestamps are in nanoseconds. */
  addInterface(spec: InterfaceSpec): number {
    const options: [number, Uint8Array][] = [[IF_TSRESOL, Uint8Array.of(9)]];
    if (spec.name) options.push([IF_NAME, enc.encode(spec.name)]);
    const body = 8 + optionsLength(options);
    this.begin(BT.IDB, body);
    this.u16(spec.linkType & 0xffff);
    this.u16(0);
    this.u32(spec.snaplen >>> 0);
    this.options(options);
    this.end(body);
    return this.interfaces++;
  }

  /** A Decryption Secrets Block: applies to the packets after it. */
  addSecrets(type: number, data: Uint8Array): void {
    const body = 8 + pad4(data.length);
    this.begin(BT.DSB, body);
    this.u32(type);
    this.u32(data.length);
    this.bytes(data);
    this.end(body);
  }

  packet(ifId: number, tsSec: number, tsNsec: number, data: Uint8Array, origLen: number, comments: readonly string[] = [], direction = 0): void {
    const options: [number, Uint8Array][] = comments.map((c) => [OPT_COMMENT, enc.encode(c)]);
    if (direction === 1 || direction === 2) {
      const f = new Uint8Array(4);
      new DataView(f.buffer).setUint32(0, direction, true);
      options.push([EPB_FLAGS, f]);
    }
    const body = 20 + pad4(data.length) + optionsLength(options);
    this.begin(BT.EPB, body);
    const ns = BigInt(Math.max(0, Math.floor(tsSec))) * 1_000_000_000n + BigInt(Math.max(0, Math.floor(tsNsec)));
    this.u32(ifId);
    this.u32(Number(ns >> 32n));
    this.u32(Number(ns & 0xffffffffn));
    this.u32(data.length);
    this.u32(origLen >>> 0);
    this.bytes(data);
    this.options(options);
    this.end(body);
  }

  statistics(ifId: number, s: InterfaceStats): void {
    const u64 = (n: number) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt(Math.max(0, Math.floor(n))), true);
      return b;
    };
    const tsU64 = (sec: number, nsec: number) => {
      const ns = BigInt(Math.floor(sec)) * 1_000_000_000n + BigInt(Math.floor(nsec));
      const b = new Uint8Array(8);
      const v = new DataView(b.buffer);
      v.setUint32(0, Number(ns >> 32n), true);
      v.setUint32(4, Number(ns & 0xffffffffn), true);
      return b;
    };
    const options: [number, Uint8Array][] = [];
    if (s.startSec !== undefined) options.push([ISB_STARTTIME, tsU64(s.startSec, s.startNsec ?? 0)]);
    options.push([ISB_ENDTIME, tsU64(s.tsSec, s.tsNsec)]);
    if (s.received !== undefined) options.push([ISB_IFRECV, u64(s.received)]);
    if (s.ifDropped !== undefined) options.push([ISB_IFDROP, u64(s.ifDropped)]);
    if (s.osDropped !== undefined) options.push([ISB_OSDROP, u64(s.osDropped)]);
    const body = 12 + optionsLength(options);
    this.begin(BT.ISB, body);
    const ns = BigInt(Math.floor(s.tsSec)) * 1_000_000_000n + BigInt(Math.floor(s.tsNsec));
    this.u32(ifId);
    this.u32(Number(ns >> 32n));
    this.u32(Number(ns & 0xffffffffn));
    this.options(options);
    this.end(body);
  }

  flush(): void {
    for (let off = 0; off < this.pos; ) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }

  // ── encoding ──
  private begin(type: number, body: number): void {
    const total = body + 12;
    if (this.pos + total > this.buf.length) {
      this.flush();
      if (total > this.buf.length) {
        this.buf = new Uint8Array(total);
        this.view = new DataView(this.buf.buffer);
      }
    }
    this.u32(type);
    this.u32(total);
    this.written += total;
  }
  private end(body: number): void {
    this.u32(body + 12);
  }
  private u16(v: number): void {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  private u32(v: number): void {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }
  private bytes(d: Uint8Array): void {
    this.buf.set(d, this.pos);
    this.pos += d.length;
    const p = pad4(d.length) - d.length;
    this.buf.fill(0, this.pos, this.pos + p);
    this.pos += p;
  }
  private options(opts: [number, Uint8Array][]): void {
    if (opts.length === 0) return;
    for (const [code, v] of opts) {
      this.u16(code);
      this.u16(v.length);
      this.bytes(v);
    }
    this.u16(OPT_END);
    this.u16(0);
  }
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function optionsLength(opts: [number, Uint8Array][]): number {
  if (opts.length === 0) return 0;
  let n = 4;
  for (const [, v] of opts) n += 4 + pad4(v.length);
  return n;
}

/** Longest option value pcapng can hold (16-bit length). */
export const MAX_OPTION_BYTES = 0xffff;
