/**
 * Cuts one direction's MS-TSGU byte stream (an HTTP body or the payload of WebSocket
 * binary frames) into packets. Control packets are collected (bounded by MAX_PDU_BUFFER)
 * and reported whole; DATA packets are not buffered: their payload (the tunnelled RDP
 * bytes) is passed on as views as it arrives. Chunk-split invariant; never throws.
 *
 * `skipSeed`: the OUT channel of the HTTP transport starts with a small random "seed"
 * body after `200 OK` (MS-TSGU 3.3.5.1; ~10 bytes in practice, at most 100 per MS-TSGU).
 * In that mode bytes are dropped until a plausible packet header appears (known type,
 * reserved = 0, sane length), up to `maxSeed` bytes.
 */
import { u16le, u32le } from '../../core/bytes.js';
import { MAX_PDU_BUFFER, type ChunkInfo } from '../stream.js';
import { isKnownTsguPacketType, TSGU_HEADER_LENGTH, TsguPacketType } from './tsgu.js';

export interface TsguStreamHandler {
  /** A complete non-DATA packet b[start..end) (header included); view valid during the call. */
  onPacket(b: Uint8Array, start: number, end: number, info: ChunkInfo, firstFrame: number): void;
  /** Payload bytes of DATA packets, in order; view valid during the call. */
  onData(payload: Uint8Array, info: ChunkInfo): void;
  /** A DATA packet ended; `length` is its cbDataLen. */
  onDataPacket(length: number, info: ChunkInfo, firstFrame: number): void;
  /** Malformed stream; the parser has stopped (severity 'error') or goes on ('warning'). */
  onError(offset: number, message: string, info: ChunkInfo, fatal: boolean): void;
}

export interface TsguStreamOptions {
  skipSeed?: boolean;
  /** Most seed bytes dropped before giving up (default 1024). */
  maxSeed?: number;
}

const enum St {
  Header,
  DataLen,
  DataPayload,
  DataPad,
  Body,
  Failed,
}

/** Plausible packet header at hdr[0..8): used to find the first packet after the seed. */
function plausibleHeader(h: Uint8Array): boolean {
  const t = u16le(h, 0);
  const len = u32le(h, 4);
  return isKnownTsguPacketType(t) && u16le(h, 2) === 0 && len >= TSGU_HEADER_LENGTH && len <= MAX_PDU_BUFFER && (t !== TsguPacketType.data || len >= 10);
}

export class TsguStream {
  private st = St.Header;
  private readonly hdr = new Uint8Array(10);
  private hdrLen = 0;
  private packetType = 0;
  private packetLength = 0;
  private remaining = 0;
  private cbDataLen = 0;
  private buf: Uint8Array | null = null;
  private bufLen = 0;
  private startFrame = 0;
  private startOffset = 0;
  private pos = 0;
  private seeding: boolean;
  private readonly maxSeed: number;
  /** Seed bytes dropped before the first packet. */
  seedLength = 0;
  packets = 0;

  constructor(
    private readonly handler: TsguStreamHandler,
    options: TsguStreamOptions = {},
  ) {
    this.seeding = options.skipSeed ?? false;
    this.maxSeed = options.maxSeed ?? 1024;
  }

  get failed(): boolean {
    return this.st === St.Failed;
  }
  get offset(): number {
    return this.pos;
  }
  /** True when in the middle of a packet. */
  get midPacket(): boolean {
    return (this.st === St.Header && this.hdrLen > 0 && !this.seeding) || (this.st !== St.Header && this.st !== St.Failed);
  }

  stop(): void {
    this.st = St.Failed;
  }

  push(data: Uint8Array, info: ChunkInfo): void {
    let i = 0;
    const n = data.length;
    while (i < n) {
      switch (this.st) {
        case St.Failed:
          this.pos += n - i;
          return;
        case St.Header: {
          if (this.hdrLen === 0) {
            this.startFrame = info.frame;
            this.startOffset = this.pos;
            // Fast path: a whole non-DATA packet inside this chunk.
            if (!this.seeding && n - i >= TSGU_HEADER_LENGTH) {
              const t = u16le(data, i);
              const len = u32le(data, i + 4);
              if (t !== TsguPacketType.data && len >= TSGU_HEADER_LENGTH && len <= n - i && len <= MAX_PDU_BUFFER) {
                this.packets++;
                this.pos += len;
                this.handler.onPacket(data, i, i + len, info, info.frame);
                i += len;
                continue;
              }
            }
          }
          while (i < n && this.hdrLen < TSGU_HEADER_LENGTH) {
            this.hdr[this.hdrLen++] = data[i]!;
            i++;
            this.pos++;
          }
          if (this.hdrLen < TSGU_HEADER_LENGTH) break;
          if (this.seeding) {
            if (!plausibleHeader(this.hdr)) {
              this.hdr.copyWithin(0, 1, TSGU_HEADER_LENGTH);
              this.hdrLen--;
              this.seedLength++;
              this.startOffset++;
              if (this.seedLength > this.maxSeed) {
                this.fail(this.startOffset, `no MS-TSGU packet header within ${this.maxSeed} bytes of the channel body`, info);
                return;
              }
              break;
            }
            this.seeding = false;
          }
          this.startHeader(info);
          break;
        }
        case St.DataLen: {
          while (i < n && this.hdrLen < 10) {
            this.hdr[this.hdrLen++] = data[i]!;
            i++;
            this.pos++;
          }
          if (this.hdrLen < 10) break;
          this.cbDataLen = u16le(this.hdr, 8);
          const room = this.packetLength - 10;
          if (this.cbDataLen > room) {
            this.handler.onError(this.startOffset, `DATA cbDataLen ${this.cbDataLen} exceeds packetLength ${this.packetLength} - 10`, info, false);
            this.cbDataLen = room;
          }
          this.remaining = this.cbDataLen;
          this.st = St.DataPayload;
          if (this.remaining === 0) this.afterDataPayload(info);
          break;
        }
        case St.DataPayload: {
          const take = Math.min(this.remaining, n - i);
          const v = data.subarray(i, i + take);
          i += take;
          this.pos += take;
          this.remaining -= take;
          this.handler.onData(v, info);
          if (this.remaining === 0) this.afterDataPayload(info);
          break;
        }
        case St.DataPad: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.endData(info);
          break;
        }
        case St.Body: {
          const take = Math.min(this.remaining, n - i);
          this.buf!.set(data.subarray(i, i + take), this.bufLen);
          this.bufLen += take;
          i += take;
          this.pos += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.st = St.Header;
            this.hdrLen = 0;
            this.packets++;
            this.handler.onPacket(this.buf!, 0, this.bufLen, info, this.startFrame);
          }
          break;
        }
      }
    }
  }

  private fail(offset: number, message: string, info: ChunkInfo): void {
    this.st = St.Failed;
    this.handler.onError(offset, message, info, true);
  }

  private startHeader(info: ChunkInfo): void {
    const t = u16le(this.hdr, 0);
    const len = u32le(this.hdr, 4);
    if (len < TSGU_HEADER_LENGTH || len > MAX_PDU_BUFFER) {
      return this.fail(this.startOffset, `MS-TSGU packetLength ${len} out of range (type 0x${t.toString(16)})`, info);
    }
    this.packetType = t;
    this.packetLength = len;
    if (t === TsguPacketType.data) {
      if (len < 10) return this.fail(this.startOffset, `MS-TSGU DATA packetLength ${len} < 10`, info);
      this.st = St.DataLen;
      return;
    }
    if (len === TSGU_HEADER_LENGTH) {
      this.hdrLen = 0;
      this.st = St.Header;
      this.packets++;
      this.handler.onPacket(this.hdr, 0, TSGU_HEADER_LENGTH, info, this.startFrame);
      return;
    }
    if (!this.buf || this.buf.length < len) this.buf = new Uint8Array(Math.max(len, 256));
    this.buf.set(this.hdr.subarray(0, TSGU_HEADER_LENGTH), 0);
    this.bufLen = TSGU_HEADER_LENGTH;
    this.remaining = len - TSGU_HEADER_LENGTH;
    this.st = St.Body;
  }

  private afterDataPayload(info: ChunkInfo): void {
    this.remaining = this.packetLength - 10 - this.cbDataLen;
    if (this.remaining > 0) {
      this.st = St.DataPad;
      return;
    }
    this.endData(info);
  }

  private endData(info: ChunkInfo): void {
    this.st = St.Header;
    this.hdrLen = 0;
    this.packets++;
    this.handler.onDataPacket(this.cbDataLen, info, this.startFrame);
  }
}
