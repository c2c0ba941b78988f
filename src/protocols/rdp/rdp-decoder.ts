/**
 * RdpStreamDecoder: one TCP connection carrying RDP in the clear (both directions).
 * Parses TPKT/X.224 CR and CC, MCS connect and domain PDUs and, when visible (Standard RDP
 * Security at encryption level NONE, or PDUs without SEC_ENCRYPT), the share-level PDUs;
 * Standard RDP Security encrypted PDUs become `rdp.encrypted_pdu` (size/time/direction only).
 *
 * Security upgrade hand-over: after a CC whose selectedProtocol ≠ PROTOCOL_RDP, or whenever a
 * direction's next byte at a PDU boundary is 0x16 (TLS handshake record — including a stream
 * that simply starts with TLS), `options.onUpgrade(dir, restOfThisChunk, info)` is called with
 * the unconsumed rest of that chunk (only when non-empty), and every later push() of that
 * direction is forwarded to `onUpgrade` unchanged. gap()/end() of an upgraded direction are
 * ignored here: route them to whatever consumes the upgraded bytes (see `isUpgraded`).
 */
import type { ChunkInfo, Dir, Sink } from '../stream.js';
import type { RdpEvent } from './events.js';
import { RdpFramedDecoder } from './framed-decoder.js';
import type { BoundaryDecision } from './pdu-framer.js';
import { RdpPduInterpreter } from './pdu-interpreter.js';
import { isFastPathStart, isTpktStart } from './tpkt.js';

/** First byte of a TLS handshake record. */
export const TLS_HANDSHAKE_BYTE = 0x16;

export interface RdpStreamDecoderOptions {
  onUpgrade?: (dir: Dir, rest: Uint8Array, info: ChunkInfo) => void;
}

export class RdpStreamDecoder extends RdpFramedDecoder {
  private readonly upgraded: [boolean, boolean] = [false, false];
  private readonly upgradePending: [boolean, boolean] = [false, false];
  private readonly onUpgrade: ((dir: Dir, rest: Uint8Array, info: ChunkInfo) => void) | undefined;

  constructor(sink: Sink<RdpEvent>, options: RdpStreamDecoderOptions = {}) {
    super(sink, {
      onConnectionConfirm: (_dir, cc) => {
        if (RdpPduInterpreter.upgradesAfter(cc)) {
          this.upgradePending[0] = true;
          this.upgradePending[1] = true;
        }
      },
    });
    this.onUpgrade = options.onUpgrade;
  }

  /** Has this direction been handed over to `onUpgrade`? */
  isUpgraded(dir: Dir): boolean {
    return this.upgraded[dir];
  }

  /** Connection state learnt so far (selected protocol, encryption, channels). */
  get state(): Readonly<Pick<RdpPduInterpreter, 'selectedProtocol' | 'encryptionMethod' | 'encryptionLevel' | 'ioChannelId' | 'messageChannelId'>> {
    return this.interpreter;
  }

  protected classify(dir: Dir, b0: number): BoundaryDecision {
    if (this.upgradePending[dir] || b0 === TLS_HANDSHAKE_BYTE) return 'upgrade';
    if (isTpktStart(b0)) return 'tpkt';
    if (isFastPathStart(b0)) return 'fastpath';
    return 'invalid';
  }

  protected override handOver(dir: Dir, rest: Uint8Array, info: ChunkInfo): void {
    super.handOver(dir, rest, info);
    this.upgraded[dir] = true;
    if (rest.length > 0) this.onUpgrade?.(dir, rest, info);
  }

  override push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    if (this.upgraded[dir]) {
      if (data.length > 0) this.onUpgrade?.(dir, data, info);
      return;
    }
    super.push(dir, data, info);
  }
}
