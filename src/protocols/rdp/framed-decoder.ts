/**
 * What the two RDP stream decoders share: one PduFramer per direction feeding one
 * RdpPduInterpreter, gap and end handling, and giving up on a direction that stops looking
 * like RDP. Subclasses decide, at each PDU boundary, how to frame what follows.
 */
import { u16be } from '../../core/bytes.js';
import { issue } from '../../core/issues.js';
import type { ChunkInfo, Dir, Sink, StreamDecoder } from '../stream.js';
import type { RdpEvent } from './events.js';
import { FramerStop, PduFramer, type BoundaryDecision, type PduKind } from './pdu-framer.js';
import { RdpPduInterpreter, type InterpreterOptions } from './pdu-interpreter.js';
import { TPKT_MIN_LENGTH, TPKT_VERSION } from './tpkt.js';

const PROTO = 'rdp';

export abstract class RdpFramedDecoder implements StreamDecoder {
  protected readonly interpreter: RdpPduInterpreter;
  private readonly framers: [PduFramer, PduFramer];
  /** Direction given up (garbage) or handed over (security upgrade). */
  protected readonly stopped: [boolean, boolean] = [false, false];
  /** After a gap: waiting for a chunk that starts on a recognisable boundary. */
  private readonly lost: [boolean, boolean] = [false, false];
  /** PDUs decoded per direction. */
  protected readonly pdus: [number, number] = [0, 0];

  constructor(
    protected readonly sink: Sink<RdpEvent>,
    interpreterOptions: InterpreterOptions,
  ) {
    this.interpreter = new RdpPduInterpreter(sink, interpreterOptions);
    this.framers = [this.makeFramer(0), this.makeFramer(1)];
  }

  private makeFramer(dir: Dir): PduFramer {
    return new PduFramer({
      classify: (b0) => this.classify(dir, b0),
      pdu: (kind: PduKind, buf, start, end, firstFrame, info, streamOffset) => {
        this.pdus[dir]++;
        if (kind === 'tpkt') this.interpreter.tpkt(dir, buf, start, end, firstFrame, info, streamOffset);
        else if (kind === 'fastpath') this.interpreter.fastPath(dir, buf, start, end, firstFrame, info);
        else this.interpreter.earlyUserAuth(dir, buf, start, end, firstFrame, info);
      },
    });
  }

  /** How to frame the PDU whose first byte is `b0`. */
  protected abstract classify(dir: Dir, b0: number): BoundaryDecision;

  /** The owner chose 'upgrade' at a boundary: `rest` is the unconsumed part of the chunk (may be empty). */
  protected handOver(dir: Dir, _rest: Uint8Array, _info: ChunkInfo): void {
    this.stopped[dir] = true;
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    if (this.stopped[dir] || data.length === 0) return;
    const framer = this.framers[dir];
    if (this.lost[dir]) {
      if (!this.canResync(dir, data)) {
        framer.skip(data.length);
        return;
      }
      this.lost[dir] = false;
    }
    const r = framer.push(data, info);
    if (r >= 0) {
      this.handOver(dir, data.subarray(r), info);
    } else if (r === FramerStop.Invalid) {
      this.stopped[dir] = true;
      const what =
        framer.invalidByte >= 0
          ? `not a TPKT or fast-path PDU (first byte 0x${framer.invalidByte.toString(16).padStart(2, '0')})`
          : 'illegal TPKT/fast-path length';
      this.sink(issue(PROTO, info.frame, info.ts, framer.invalidOffset, `${what}; decoding of this direction stopped`));
    } else if (r === FramerStop.Skipped) {
      this.stopped[dir] = true;
    }
  }

  /** A chunk after a gap can restart decoding if it starts with a plausible TPKT + X.224 header or an upgrade byte. */
  private canResync(dir: Dir, data: Uint8Array): boolean {
    const d = this.classify(dir, data[0]!);
    if (d === 'upgrade') return true;
    if (data.length < 6 || data[0] !== TPKT_VERSION || data[1] !== 0 || u16be(data, 2) < TPKT_MIN_LENGTH) return false;
    const code = data[5]! & 0xf0;
    return code === 0xf0 || code === 0xe0 || code === 0xd0 || code === 0x80;
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    if (this.stopped[dir]) return;
    const framer = this.framers[dir];
    const at = framer.streamOffset;
    const dropped = framer.reset();
    framer.skip(length);
    this.lost[dir] = true;
    this.sink(
      issue(
        PROTO,
        info.frame,
        info.ts,
        at,
        `${length} bytes missing${dropped > 0 ? `, partial PDU of ${dropped} bytes dropped` : ''}; waiting for a TPKT boundary`,
      ),
    );
  }

  end(dir: Dir, info: ChunkInfo): void {
    if (this.stopped[dir]) return;
    const framer = this.framers[dir];
    const have = framer.pending;
    if (have > 0) {
      const total = framer.pendingTotal;
      const at = framer.streamOffset - have;
      framer.reset();
      this.sink(issue(PROTO, info.frame, info.ts, at, `stream ended inside a PDU (${have} of ${total > 0 ? total : '?'} bytes)`));
    }
  }
}
