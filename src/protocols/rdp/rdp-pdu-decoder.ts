/**
 * RdpPduDecoder: RDP PDUs in decrypted TLS plaintext (after TLS and CredSSP; no X.224 CR/CC
 * expected, though they are decoded if present). TPKT slow-path PDUs (MCS connect, domain
 * PDUs, Client Info, licensing, Demand/Confirm Active, Set Error Info, Save Session Info,
 * finalization, DPU) and fast-path PDUs (recognised with their length).
 *
 * The HYBRID_EX Early User Authorization Result (4 raw bytes from the server right after
 * CredSSP) is recognised as the first server→client PDU when it starts with 0x00 or 0x05
 * (neither can start the MCS Connect Response that otherwise comes first), or always with
 * `expectEarlyUserAuth`.
 */
import type { Dir, Sink } from '../stream.js';
import type { RdpEvent } from './events.js';
import { RdpFramedDecoder } from './framed-decoder.js';
import type { BoundaryDecision } from './pdu-framer.js';
import { isFastPathStart, isTpktStart } from './tpkt.js';

export interface RdpPduDecoderOptions {
  /** Mark every event `decrypted: true` (default false). */
  decrypted?: boolean;
  /** The first 4 server→client bytes are the Early User Authorization Result (HYBRID_EX). */
  expectEarlyUserAuth?: boolean;
}

export class RdpPduDecoder extends RdpFramedDecoder {
  private readonly expectEarlyUserAuth: boolean;

  constructor(sink: Sink<RdpEvent>, options: RdpPduDecoderOptions = {}) {
    super(sink, options.decrypted ? { decrypted: true } : {});
    this.expectEarlyUserAuth = options.expectEarlyUserAuth === true;
  }

  protected classify(dir: Dir, b0: number): BoundaryDecision {
    if (dir === 1 && this.pdus[1] === 0 && (this.expectEarlyUserAuth || b0 === 0x00 || b0 === 0x05)) return 'fixed4';
    if (isTpktStart(b0)) return 'tpkt';
    if (isFastPathStart(b0)) return 'fastpath';
    return 'invalid';
  }
}
