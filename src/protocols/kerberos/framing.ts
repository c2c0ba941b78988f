/**
 * Kerberos on port 88 (RFC 4120 §7.2): UDP carries one message per datagram; TCP prefixes
 * each message with a 4-byte big-endian length whose top bit is reserved (must be 0).
 *
 * The TCP decoder is chunk-split invariant and bounded: a record longer than
 * MAX_PDU_BUFFER, or with the reserved bit set, is reported and the direction is given up.
 * After a gap it resynchronises on the next chunk that starts like a record (a plausible
 * length followed by a Kerberos application tag).
 */
import { u32be } from '../../core/bytes.js';
import { issue } from '../../core/issues.js';
import type { ChunkInfo, DatagramDecoder, Dir, Sink, StreamDecoder } from '../stream.js';
import { MAX_PDU_BUFFER } from '../stream.js';
import { type KrbCarrier, type KrbEvent, isKrbRequest, krbEvent } from './events.js';
import { parseKerberosMessage } from './messages.js';
import { DEFAULT_MAX_SKEW_SECONDS, estimateSkew, skewInputFor } from './skew.js';

export interface KerberosDecoderOptions {
  /** Tolerance used for `exceedsTolerance` in skew estimates (default 300 s). */
  readonly maxSkewSeconds?: number;
}

/** Decodes complete messages and remembers request times per direction for skew estimates. */
class KrbMessageHandler {
  private readonly lastRequestTs: [number | undefined, number | undefined] = [undefined, undefined];
  constructor(
    private readonly sink: Sink<KrbEvent>,
    private readonly carrier: KrbCarrier,
    private readonly maxSkew: number,
  ) {}

  handle(dir: Dir, msg: Uint8Array, info: ChunkInfo, firstFrame: number, streamOffset: number): void {
    const r = parseKerberosMessage(msg);
    if (!r.ok) {
      this.sink(issue('kerberos', info.frame, info.ts, streamOffset + r.offset, `Kerberos: ${r.reason}`));
      return;
    }
    if (r.length !== msg.length) {
      this.sink(
        issue('kerberos', info.frame, info.ts, streamOffset + r.length, `Kerberos: ${msg.length - r.length} trailing bytes after the message`),
      );
    }
    const m = r.message;
    if (isKrbRequest(m.msgType)) this.lastRequestTs[dir] = info.ts;
    const origin = firstFrame !== info.frame ? { frame: info.frame, firstFrame, ts: info.ts, dir } : { frame: info.frame, ts: info.ts, dir };
    if (m.msgType === 30) {
      const skewIn = skewInputFor(m, info.ts, this.lastRequestTs[dir === 0 ? 1 : 0]);
      this.sink(krbEvent(m, origin, this.carrier, estimateSkew(skewIn, this.maxSkew)));
      return;
    }
    this.sink(krbEvent(m, origin, this.carrier));
  }
}

const enum Mode {
  Sync,
  Resync,
  Dead,
}

class TcpDirState {
  mode = Mode.Sync;
  readonly hdr = new Uint8Array(4);
  hdrLen = 0;
  body: Uint8Array | null = null;
  bodyLen = 0;
  firstFrame = 0;
  /** Stream offset of the current record's length prefix. */
  recordStart = 0;
  /** Bytes of this direction seen so far. */
  offset = 0;
}

/** True when `b[p..]` plausibly starts a record: sane length, then an application tag 10–30. */
function plausibleRecordStart(b: Uint8Array, p: number): boolean {
  if (b.length - p < 5) return false;
  const len = u32be(b, p);
  const tag = b[p + 4]!;
  return len >= 2 && len <= MAX_PDU_BUFFER && ((tag >= 0x6a && tag <= 0x6f) || tag === 0x7e);
}

export class KerberosTcpDecoder implements StreamDecoder {
  private readonly dirs: [TcpDirState, TcpDirState] = [new TcpDirState(), new TcpDirState()];
  private readonly handler: KrbMessageHandler;

  constructor(
    private readonly sink: Sink<KrbEvent>,
    opts: KerberosDecoderOptions = {},
  ) {
    this.handler = new KrbMessageHandler(sink, 'tcp', opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.mode === Mode.Dead) {
      st.offset += data.length;
      return;
    }
    if (st.mode === Mode.Resync) {
      if (!plausibleRecordStart(data, 0)) {
        st.offset += data.length;
        return;
      }
      st.mode = Mode.Sync;
    }
    let p = 0;
    while (p < data.length && st.mode === Mode.Sync) {
      if (st.body === null) {
        // Reading the 4-byte length prefix.
        if (st.hdrLen === 0) {
          st.firstFrame = info.frame;
          st.recordStart = st.offset + p;
          if (data.length - p >= 4) {
            const len = u32be(data, p);
            p += 4;
            if (!this.startRecord(st, len, info)) break;
            if (len === 0) continue;
            // Fast path: the whole message is in this chunk (a view, no copy).
            if (data.length - p >= len) {
              this.handler.handle(dir, data.subarray(p, p + len), info, st.firstFrame, st.recordStart + 4);
              p += len;
              continue;
            }
            st.body = new Uint8Array(len);
            st.bodyLen = 0;
            continue;
          }
        }
        while (st.hdrLen < 4 && p < data.length) st.hdr[st.hdrLen++] = data[p++]!;
        if (st.hdrLen < 4) break;
        const len = u32be(st.hdr, 0);
        st.hdrLen = 0;
        if (!this.startRecord(st, len, info)) break;
        if (len === 0) continue;
        st.body = new Uint8Array(len);
        st.bodyLen = 0;
        continue;
      }
      const n = Math.min(st.body.length - st.bodyLen, data.length - p);
      st.body.set(data.subarray(p, p + n), st.bodyLen);
      st.bodyLen += n;
      p += n;
      if (st.bodyLen === st.body.length) {
        const body = st.body;
        st.body = null;
        st.bodyLen = 0;
        this.handler.handle(dir, body, info, st.firstFrame, st.recordStart + 4);
      }
    }
    st.offset += data.length;
  }

  /** Validates a record length; false when the direction had to be given up. */
  private startRecord(st: TcpDirState, len: number, info: ChunkInfo): boolean {
    if (len & 0x8000_0000) {
      this.sink(issue('kerberos', info.frame, info.ts, st.recordStart, 'Kerberos/TCP: reserved high bit set in record length; direction abandoned'));
      st.mode = Mode.Dead;
      return false;
    }
    if (len > MAX_PDU_BUFFER) {
      this.sink(issue('kerberos', info.frame, info.ts, st.recordStart, `Kerberos/TCP: record length ${len} exceeds buffer limit; direction abandoned`));
      st.mode = Mode.Dead;
      return false;
    }
    if (len === 0) {
      this.sink(issue('kerberos', info.frame, info.ts, st.recordStart, 'Kerberos/TCP: empty record'));
    }
    return true;
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.mode === Mode.Dead) return;
    if (st.body !== null || st.hdrLen > 0) {
      this.sink(issue('kerberos', info.frame, info.ts, st.recordStart, 'Kerberos/TCP: record lost in a capture gap'));
    }
    st.body = null;
    st.bodyLen = 0;
    st.hdrLen = 0;
    st.mode = Mode.Resync;
    st.offset += length;
  }

  end(dir: Dir, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.mode !== Mode.Sync) return;
    if (st.body !== null || st.hdrLen > 0) {
      const have = st.body !== null ? 4 + st.bodyLen : st.hdrLen;
      const want = st.body !== null ? 4 + st.body.length : 4;
      this.sink(issue('kerberos', info.frame, info.ts, st.recordStart, `Kerberos/TCP: stream ended inside a record (${have} of ${want} bytes)`));
      st.body = null;
      st.hdrLen = 0;
    }
  }
}

export class KerberosUdpDecoder implements DatagramDecoder {
  private readonly handler: KrbMessageHandler;
  constructor(sink: Sink<KrbEvent>, opts: KerberosDecoderOptions = {}) {
    this.handler = new KrbMessageHandler(sink, 'udp', opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  }
  datagram(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    this.handler.handle(dir, data, info, info.frame, 0);
  }
}
