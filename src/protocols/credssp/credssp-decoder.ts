/**
 * CredSSP over the decrypted TLS stream (MS-CSSP 3.1.5): each direction is a sequence of
 * DER TSRequests framed by their own SEQUENCE length. The decoder is chunk-split invariant
 * and bounded (one TSRequest ≤ MAX_PDU_BUFFER, else the direction is given up).
 *
 * End of CredSSP: after the last TSRequest the stream carries other data (HYBRID_EX Early
 * User Authorization Result from the server, then RDP TPKT from the client). When the byte
 * at a PDU boundary is not 0x30 (SEQUENCE) the decoder stops for that direction and calls
 * `onEnd(dir, rest, info)` with the remaining bytes of that chunk; later pushes in that
 * direction go to `onAfterEnd` (the caller would normally route them elsewhere by then).
 */
import { issue } from '../../core/issues.js';
import type { ChunkInfo, Dir, Sink, StreamDecoder } from '../stream.js';
import { MAX_PDU_BUFFER } from '../stream.js';
import { readDerHeader } from '../asn1/der.js';
import { decodeAuthToken } from './auth-token.js';
import type { CredSspDecoderEvent, CredSspTsRequestEvent } from './events.js';
import { parseTsRequest } from './ts-request.js';

export interface CredSspDecoderOptions {
  /** Mark events `decrypted` (default true: CredSSP is always inside TLS). */
  readonly decrypted?: boolean;
  /** CredSSP ended in `dir`: `rest` (a view valid during the call) is the first non-CredSSP data. */
  readonly onEnd?: (dir: Dir, rest: Uint8Array, info: ChunkInfo) => void;
  /** Data pushed in a direction after it ended. */
  readonly onAfterEnd?: (dir: Dir, data: Uint8Array, info: ChunkInfo) => void;
  readonly maxSkewSeconds?: number;
}

const enum Mode {
  Sync,
  Ended,
  Dead,
}

/** Longest DER header accepted: tag + 0x84 + 4 length octets. */
const MAX_HEADER = 6;

class DirState {
  mode = Mode.Sync;
  readonly hdr = new Uint8Array(MAX_HEADER);
  hdrLen = 0;
  body: Uint8Array | null = null;
  bodyLen = 0;
  firstFrame = 0;
  recordStart = 0;
  offset = 0;
  lastTs: number | undefined = undefined;
}

export class CredSspStreamDecoder implements StreamDecoder {
  private readonly dirs: [DirState, DirState] = [new DirState(), new DirState()];
  private readonly decrypted: boolean;

  constructor(
    private readonly sink: Sink<CredSspDecoderEvent>,
    private readonly opts: CredSspDecoderOptions = {},
  ) {
    this.decrypted = opts.decrypted ?? true;
  }

  /** True once CredSSP has ended in `dir` (non-TSRequest data seen at a PDU boundary). */
  hasEnded(dir: Dir): boolean {
    return this.dirs[dir].mode === Mode.Ended;
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.mode === Mode.Ended) {
      this.opts.onAfterEnd?.(dir, data, info);
      return;
    }
    if (st.mode === Mode.Dead) return;
    let p = 0;
    while (p < data.length && st.mode === Mode.Sync) {
      if (st.body !== null) {
        const n = Math.min(st.body.length - st.bodyLen, data.length - p);
        st.body.set(data.subarray(p, p + n), st.bodyLen);
        st.bodyLen += n;
        p += n;
        if (st.bodyLen === st.body.length) {
          const pdu = st.body;
          st.body = null;
          st.bodyLen = 0;
          this.handle(dir, pdu, info);
        }
        continue;
      }
      if (st.hdrLen === 0) {
        if (data[p] !== 0x30) {
          st.mode = Mode.Ended;
          st.offset += p;
          this.opts.onEnd?.(dir, data.subarray(p), info);
          return;
        }
        st.firstFrame = info.frame;
        st.recordStart = st.offset + p;
        const h = readDerHeader(data, p, data.length);
        if (h.ok) {
          const total = h.headerLength + h.contentLength;
          if (!this.checkSize(st, total, info)) break;
          if (data.length - p >= total) {
            this.handle(dir, data.subarray(p, p + total), info);
            p += total;
            continue;
          }
          st.body = new Uint8Array(total);
          st.body.set(data.subarray(p));
          st.bodyLen = data.length - p;
          p = data.length;
          continue;
        }
        if (h.reason !== 'truncated') {
          this.giveUp(st, info, `CredSSP: TSRequest header ${h.reason}`);
          break;
        }
      }
      // Header split across chunks: collect it byte by byte (at most MAX_HEADER bytes).
      while (p < data.length) {
        st.hdr[st.hdrLen++] = data[p++]!;
        const h = readDerHeader(st.hdr, 0, st.hdrLen);
        if (h.ok) {
          const total = h.headerLength + h.contentLength;
          const got = st.hdrLen;
          st.hdrLen = 0;
          if (!this.checkSize(st, total, info)) break;
          st.body = new Uint8Array(total);
          st.body.set(st.hdr.subarray(0, got));
          st.bodyLen = got;
          if (got === total) {
            const pdu = st.body;
            st.body = null;
            st.bodyLen = 0;
            this.handle(dir, pdu, info);
          }
          break;
        }
        if (h.reason !== 'truncated' || st.hdrLen >= MAX_HEADER) {
          this.giveUp(st, info, `CredSSP: TSRequest header ${h.reason}`);
          break;
        }
      }
    }
    st.offset += data.length;
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.mode !== Mode.Sync) return;
    // DER has no resynchronisation point: give up on this direction.
    this.giveUp(st, info, `CredSSP: ${length}-byte gap in the stream; direction abandoned`);
    st.offset += length;
  }

  end(dir: Dir, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.mode !== Mode.Sync) return;
    if (st.body !== null || st.hdrLen > 0) {
      const have = st.body !== null ? st.bodyLen : st.hdrLen;
      const want = st.body !== null ? `${st.body.length}` : 'unknown';
      this.sink(issue('credssp', info.frame, info.ts, st.recordStart, `CredSSP: stream ended inside a TSRequest (${have} of ${want} bytes)`));
      st.body = null;
      st.hdrLen = 0;
    }
  }

  private checkSize(st: DirState, total: number, info: ChunkInfo): boolean {
    if (total > MAX_PDU_BUFFER) {
      this.giveUp(st, info, `CredSSP: TSRequest of ${total} bytes exceeds buffer limit; direction abandoned`);
      return false;
    }
    return true;
  }

  private giveUp(st: DirState, info: ChunkInfo, message: string): void {
    this.sink(issue('credssp', info.frame, info.ts, st.recordStart, message));
    st.mode = Mode.Dead;
    st.body = null;
    st.hdrLen = 0;
  }

  private handle(dir: Dir, pdu: Uint8Array, info: ChunkInfo): void {
    const st = this.dirs[dir];
    const r = parseTsRequest(pdu);
    const origin = {
      frame: info.frame,
      ...(st.firstFrame !== info.frame ? { firstFrame: st.firstFrame } : {}),
      ts: info.ts,
      dir,
      decrypted: this.decrypted,
    };
    if (!r.ok) {
      this.sink(issue('credssp', info.frame, info.ts, st.recordStart + r.offset, `CredSSP: ${r.reason}`));
      return;
    }
    const v = r.value;
    const ev: { -readonly [K in keyof CredSspTsRequestEvent]: CredSspTsRequestEvent[K] } = {
      type: 'credssp.ts_request',
      ...origin,
      version: v.version,
      fields: v.fields,
      hasClientNonce: v.clientNonce !== undefined,
    };
    if (v.errorCode !== undefined) ev.errorCode = v.errorCode;
    if (v.authInfoLength !== undefined) ev.authInfoLength = v.authInfoLength;
    if (v.pubKeyAuthLength !== undefined) ev.pubKeyAuthLength = v.pubKeyAuthLength;
    const peerTs = this.dirs[dir === 0 ? 1 : 0].lastTs;
    st.lastTs = info.ts;
    const inner = [];
    for (const tok of v.negoTokens) {
      const d = decodeAuthToken(tok, origin, {
        ...(peerTs !== undefined ? { requestTs: peerTs } : {}),
        ...(this.opts.maxSkewSeconds !== undefined ? { maxSkewSeconds: this.opts.maxSkewSeconds } : {}),
      });
      if (ev.tokenKind === undefined) {
        ev.tokenKind = d.tokenKind;
        const s = d.spnego;
        if (s?.kind === 'negTokenResp') {
          if (s.negState !== undefined) ev.negState = s.negState;
          if (s.supportedMech !== undefined) ev.supportedMech = s.supportedMech;
        } else if (s?.kind === 'negTokenInit') ev.mechTypes = s.mechTypes;
      }
      inner.push(...d.events);
      for (const p of d.problems) this.sink(issue('credssp', info.frame, info.ts, st.recordStart, p));
    }
    this.sink(ev);
    for (const e of inner) this.sink(e);
  }
}
