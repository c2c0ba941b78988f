/**
 * RFC 6455 WebSocket frame parser for one direction of an upgraded connection.
 *
 * Data frames (binary, text, continuation) are passed on as a byte stream: payload bytes
 * are unmasked into a small reused scratch buffer and handed to `onData` piece by piece, so
 * a large frame is never buffered whole. Control frames (close, ping, pong; at most 125
 * bytes by the RFC) are collected and reported whole. Chunk-split invariant; never throws.
 */
import { u16be, u32be } from '../../core/bytes.js';
import type { ChunkInfo } from '../stream.js';

export const WsOpcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;
export type WsOpcode = (typeof WsOpcode)[keyof typeof WsOpcode];

/** A frame header, filled in place by readWsFrameHeader. */
export interface WsFrameHeader {
  fin: boolean;
  /** RSV1..3 as a 3-bit number (non-zero only with a negotiated extension). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** Payload length (exact below 2^53). */
  payloadLength: number;
  /** Masking key as a big-endian u32 (0 when not masked). */
  maskKey: number;
  /** Header length in bytes: 2 to 14. */
  headerLength: number;
}

export function newWsFrameHeader(): WsFrameHeader {
  return { fin: false, rsv: 0, opcode: 0, masked: false, payloadLength: 0, maskKey: 0, headerLength: 0 };
}

/**
 * Reads a frame header at b[o..end) into `out`.
 * Returns the header length, 0 when more bytes are needed, -1 when the header is invalid
 * (64-bit length with the top bit set, or beyond 2^53).
 */
export function readWsFrameHeader(b: Uint8Array, o: number, end: number, out: WsFrameHeader): number {
  if (end - o < 2) return 0;
  const b0 = b[o]!;
  const b1 = b[o + 1]!;
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  const extLen = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const hl = 2 + extLen + (masked ? 4 : 0);
  if (end - o < hl) return 0;
  let len = len7;
  if (len7 === 126) len = u16be(b, o + 2);
  else if (len7 === 127) {
    const hi = u32be(b, o + 2);
    if (hi > 0x1fffff) return -1; // beyond 2^53 (or MSB set, forbidden by RFC 6455 §5.2)
    len = hi * 0x1_0000_0000 + u32be(b, o + 6);
  }
  out.fin = (b0 & 0x80) !== 0;
  out.rsv = (b0 >> 4) & 0x7;
  out.opcode = b0 & 0x0f;
  out.masked = masked;
  out.payloadLength = len;
  out.maskKey = masked ? u32be(b, o + 2 + extLen) : 0;
  out.headerLength = hl;
  return hl;
}

export interface WsParserHandler {
  /** Every frame header as it is read (the header object is reused: copy what you keep). */
  onFrame?(header: Readonly<WsFrameHeader>, info: ChunkInfo): void;
  /** Unmasked payload bytes of binary/continuation frames; view valid only during the call. */
  onData(data: Uint8Array, info: ChunkInfo): void;
  /** A complete control frame (close/ping/pong) with its unmasked payload. */
  onControl(opcode: number, payload: Uint8Array, info: ChunkInfo, firstFrame: number): void;
  /** A text frame started (MS-TSGU uses binary frames only); its payload is skipped. */
  onText?(length: number, info: ChunkInfo): void;
  /** Malformed framing; the parser has stopped. */
  onError(offset: number, message: string, info: ChunkInfo): void;
}

const SCRATCH = 16 * 1024;

const enum St {
  Header,
  Payload,
  Failed,
}

export class WebSocketParser {
  private st = St.Header;
  private readonly hdr = new Uint8Array(14);
  private hdrLen = 0;
  private readonly h = newWsFrameHeader();
  private payloadPos = 0;
  private frameStartFrame = 0;
  private frameStartOffset = 0;
  private pos = 0;
  private readonly key = new Uint8Array(4);
  private scratch: Uint8Array | null = null;
  private readonly control = new Uint8Array(125);
  /** Opcode of the data message in progress (for continuation frames), -1 when none. */
  private dataOpcode = -1;
  /** Frames seen, by kind. */
  frames = 0;

  constructor(private readonly handler: WsParserHandler) {}

  get failed(): boolean {
    return this.st === St.Failed;
  }
  get offset(): number {
    return this.pos;
  }
  /** True when in the middle of a frame. */
  get midFrame(): boolean {
    return (this.st === St.Header && this.hdrLen > 0) || this.st === St.Payload;
  }

  stop(): void {
    this.st = St.Failed;
  }

  push(data: Uint8Array, info: ChunkInfo): void {
    let i = 0;
    const n = data.length;
    while (i < n && this.st !== St.Failed) {
      if (this.st === St.Header) {
        if (this.hdrLen === 0) {
          this.frameStartFrame = info.frame;
          this.frameStartOffset = this.pos;
        }
        // Fast path: a whole header in this chunk.
        let hl = 0;
        if (this.hdrLen === 0) {
          hl = readWsFrameHeader(data, i, n, this.h);
          if (hl > 0) {
            i += hl;
            this.pos += hl;
          }
        }
        if (hl === 0) {
          // Slow path: accumulate into hdr until it parses.
          while (i < n && this.hdrLen < 14) {
            this.hdr[this.hdrLen++] = data[i]!;
            i++;
            this.pos++;
            hl = readWsFrameHeader(this.hdr, 0, this.hdrLen, this.h);
            if (hl !== 0) break;
          }
          if (hl === 0) continue; // need more bytes
          this.hdrLen = 0;
        }
        if (hl < 0) return this.fail(this.frameStartOffset, 'WebSocket payload length beyond 2^53', info);
        if (!this.startFrame(info)) return;
        continue;
      }
      // Payload
      const left = this.h.payloadLength - this.payloadPos;
      const take = Math.min(left, n - i);
      this.payloadBytes(data, i, take, info);
      i += take;
      this.pos += take;
      this.payloadPos += take;
      if (this.payloadPos === this.h.payloadLength) this.endFrame(info);
    }
    if (this.st === St.Failed) this.pos += n - i;
  }

  private fail(offset: number, message: string, info: ChunkInfo): void {
    this.st = St.Failed;
    this.handler.onError(offset, message, info);
  }

  private startFrame(info: ChunkInfo): boolean {
    const h = this.h;
    this.frames++;
    this.handler.onFrame?.(h, info);
    if (h.rsv !== 0) {
      this.fail(this.frameStartOffset, `WebSocket RSV bits 0x${h.rsv.toString(16)} set (extension not supported)`, info);
      return false;
    }
    const isControl = (h.opcode & 0x8) !== 0;
    if (isControl) {
      if (h.opcode !== WsOpcode.close && h.opcode !== WsOpcode.ping && h.opcode !== WsOpcode.pong) {
        this.fail(this.frameStartOffset, `reserved WebSocket control opcode 0x${h.opcode.toString(16)}`, info);
        return false;
      }
      if (h.payloadLength > 125 || !h.fin) {
        this.fail(this.frameStartOffset, 'WebSocket control frame fragmented or longer than 125 bytes', info);
        return false;
      }
    } else if (h.opcode === WsOpcode.continuation) {
      if (this.dataOpcode < 0) {
        this.fail(this.frameStartOffset, 'WebSocket continuation frame without a message in progress', info);
        return false;
      }
    } else if (h.opcode === WsOpcode.binary || h.opcode === WsOpcode.text) {
      this.dataOpcode = h.opcode;
      if (h.opcode === WsOpcode.text) this.handler.onText?.(h.payloadLength, info);
    } else {
      this.fail(this.frameStartOffset, `reserved WebSocket data opcode 0x${h.opcode.toString(16)}`, info);
      return false;
    }
    const k = h.maskKey;
    this.key[0] = k >>> 24;
    this.key[1] = (k >>> 16) & 0xff;
    this.key[2] = (k >>> 8) & 0xff;
    this.key[3] = k & 0xff;
    this.payloadPos = 0;
    this.st = St.Payload;
    if (h.payloadLength === 0) this.endFrame(info);
    return true;
  }

  private payloadBytes(data: Uint8Array, i: number, take: number, info: ChunkInfo): void {
    if (take === 0) return;
    const h = this.h;
    if ((h.opcode & 0x8) !== 0) {
      const c = this.control;
      for (let k = 0; k < take; k++) {
        const p = this.payloadPos + k;
        c[p] = h.masked ? data[i + k]! ^ this.key[p & 3]! : data[i + k]!;
      }
      return;
    }
    const opcode = h.opcode === WsOpcode.continuation ? this.dataOpcode : h.opcode;
    if (opcode !== WsOpcode.binary) return; // text payload skipped
    if (!h.masked) {
      this.handler.onData(data.subarray(i, i + take), info);
      return;
    }
    const s = (this.scratch ??= new Uint8Array(SCRATCH));
    let done = 0;
    while (done < take) {
      const m = Math.min(SCRATCH, take - done);
      const base = this.payloadPos + done;
      for (let k = 0; k < m; k++) s[k] = data[i + done + k]! ^ this.key[(base + k) & 3]!;
      this.handler.onData(s.subarray(0, m), info);
      done += m;
    }
  }

  private endFrame(info: ChunkInfo): void {
    const h = this.h;
    this.st = St.Header;
    if ((h.opcode & 0x8) !== 0) {
      this.handler.onControl(h.opcode, this.control.subarray(0, h.payloadLength), info, this.frameStartFrame);
      return;
    }
    if (h.fin) this.dataOpcode = -1;
  }
}
