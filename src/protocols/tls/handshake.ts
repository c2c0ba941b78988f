/**
 * Handshake message reassembly (RFC 5246 §7.4, RFC 8446 §4): messages are
 * msg_type (1) | length (3) | body, and may span several records or share one.
 * The assembler receives record fragments of one direction in order and delivers
 * whole messages. Messages inside one fragment are delivered as views (no copy);
 * only a message that spans fragments is copied, into a buffer bounded by `maxMessage`.
 */
import { u24be } from '../../core/bytes.js';
import { MAX_PDU_BUFFER } from '../stream.js';

export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
  certificateUrl: 21,
  certificateStatus: 22,
  keyUpdate: 24,
  messageHash: 254,
} as const;

export const HANDSHAKE_HEADER_LENGTH = 4;

/** A whole handshake message. `body` is a view valid only during the callback. */
export interface HandshakeMessage {
  msgType: number;
  body: Uint8Array;
  /** Frame of the record that carried the first byte of the message. */
  firstFrame: number;
  /** Caller's offset (e.g. stream offset) of the first byte of the message header. */
  offset: number;
}

export type HandshakeOverflow = { readonly offset: number; readonly length: number };

export class HandshakeAssembler {
  private buf: Uint8Array | null = null;
  private len = 0;
  /** Total bytes (header + body) of the message being assembled; 0 while the header is incomplete. */
  private want = 0;
  private firstFrame = 0;
  private startOffset = 0;
  /** Latched after an oversized message: the direction's handshake stream is abandoned. */
  failed = false;

  constructor(private readonly maxMessage = MAX_PDU_BUFFER) {}

  /** Bytes of an incomplete message held back. */
  get pending(): number {
    return this.len;
  }

  /**
   * Feeds one record fragment. `offset` is the caller's offset of fragment[0].
   * Returns an overflow description when a message exceeds the bound (then `failed` is set).
   */
  push(
    fragment: Uint8Array,
    frame: number,
    offset: number,
    onMessage: (m: HandshakeMessage) => void,
  ): HandshakeOverflow | null {
    if (this.failed) return null;
    const n = fragment.length;
    let p = 0;
    while (p < n) {
      if (this.len === 0) {
        // Fast path: whole messages inside this fragment are delivered as views.
        if (n - p >= HANDSHAKE_HEADER_LENGTH) {
          const total = HANDSHAKE_HEADER_LENGTH + u24be(fragment, p + 1);
          if (total > this.maxMessage) return this.overflow(offset + p, total);
          if (n - p >= total) {
            onMessage({
              msgType: fragment[p]!,
              body: fragment.subarray(p + HANDSHAKE_HEADER_LENGTH, p + total),
              firstFrame: frame,
              offset: offset + p,
            });
            p += total;
            continue;
          }
          this.want = total;
        }
        this.firstFrame = frame;
        this.startOffset = offset + p;
      }
      const target = this.want === 0 ? HANDSHAKE_HEADER_LENGTH : this.want;
      this.ensure(target);
      const take = Math.min(target - this.len, n - p);
      this.buf!.set(fragment.subarray(p, p + take), this.len);
      this.len += take;
      p += take;
      if (this.len < target) break;
      if (this.want === 0) {
        const total = HANDSHAKE_HEADER_LENGTH + u24be(this.buf!, 1);
        if (total > this.maxMessage) return this.overflow(this.startOffset, total);
        this.want = total;
        if (this.len < total) continue;
      }
      const buf = this.buf!;
      const want = this.want;
      this.len = 0;
      this.want = 0;
      onMessage({
        msgType: buf[0]!,
        body: buf.subarray(HANDSHAKE_HEADER_LENGTH, want),
        firstFrame: this.firstFrame,
        offset: this.startOffset,
      });
      if (buf.length > 65536 && this.buf === buf) this.buf = null; // do not keep a large buffer around
    }
    return null;
  }

  private ensure(size: number): void {
    if (this.buf !== null && this.buf.length >= size) return;
    const next = new Uint8Array(Math.max(size, 256));
    if (this.buf !== null && this.len > 0) next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private overflow(offset: number, length: number): HandshakeOverflow {
    this.failed = true;
    this.buf = null;
    this.len = 0;
    this.want = 0;
    return { offset, length };
  }
}
