/**
 * One side's path-MTU black-hole signature (see findings/rules/mtu-blackhole-recovered.ts): full-size
 * segments that never got through and the same data re-sent small. Allocated on the first segment
 * that can be part of it (a retransmission, an out-of-order segment or a full-size gap), so the
 * thousands of connections without loss do not carry it.
 */
export class BlackholeSignature {
  /** Retransmissions of full-size segments (≥ 90% of the MSS the peer allows) this side sent. */
  fullRetrans = 0;
  fullRetransFrame = 0;
  fullSize = 0;
  /** Small (≤ 600 bytes) retransmissions this side sent after full-size ones failed. */
  smallAfterFull = 0;
  smallFrame = 0;
  smallSize = 0;
  /** Receiver view: a gap of at least a full segment in what this side sent ("previous segment not captured")… */
  lostFull = 0;
  lostFullFrame = 0;
  lostFullSize = 0;
  lostFullTs = 0;
  /** Sequence range of the first missing full segment, and of the first full-size retransmission. */
  lostSeq = 0;
  fullSeq = 0;
  /** …later filled by small segments after a stall. */
  smallRefill = 0;
  smallRefillFrame = 0;
  refillStall = 0;
}
