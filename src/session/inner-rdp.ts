/**
 * Decrypted TLS plaintext of an RDP connection: CredSSP TSRequests (DER, first byte 0x30)
 * until each direction leaves CredSSP, then the HYBRID_EX Early User Authorization Result
 * and the RDP PDUs (MCS, Client Info, licensing, capabilities, Set Error Info, DPU…).
 */
import { CredSspStreamDecoder } from '../protocols/credssp/credssp-decoder.js';
import { RdpPduDecoder } from '../protocols/rdp/rdp-pdu-decoder.js';
import type { ChunkInfo, Dir, Sink, StreamDecoder } from '../protocols/stream.js';
import type { SessionEvent } from './events.js';

const DETECT = 0;
const CREDSSP = 1;
const RDP = 2;

export class InnerRdpDispatcher implements StreamDecoder {
  private readonly mode: [number, number] = [DETECT, DETECT];
  private credssp: CredSspStreamDecoder | null = null;
  private readonly pdu: RdpPduDecoder;

  constructor(
    private readonly sink: Sink<SessionEvent>,
    expectEarlyUserAuth: boolean,
  ) {
    this.pdu = new RdpPduDecoder(sink, { decrypted: true, expectEarlyUserAuth });
  }

  private credsspDecoder(): CredSspStreamDecoder {
    this.credssp ??= new CredSspStreamDecoder(this.sink, {
      decrypted: true,
      onEnd: (dir, rest, info) => {
        this.mode[dir] = RDP;
        if (rest.length > 0) this.pdu.push(dir, rest, info);
      },
      onAfterEnd: (dir, data, info) => this.pdu.push(dir, data, info),
    });
    return this.credssp;
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    if (data.length === 0) return;
    if (this.mode[dir] === DETECT) this.mode[dir] = data[0] === 0x30 ? CREDSSP : RDP;
    if (this.mode[dir] === CREDSSP) this.credsspDecoder().push(dir, data, info);
    else this.pdu.push(dir, data, info);
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    if (this.mode[dir] === CREDSSP) this.credsspDecoder().gap(dir, length, info);
    else this.pdu.gap(dir, length, info);
  }

  end(dir: Dir, info: ChunkInfo): void {
    if (this.mode[dir] === CREDSSP) this.credsspDecoder().end(dir, info);
    this.pdu.end(dir, info);
  }
}
