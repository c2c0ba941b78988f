/**
 * SMB over TCP 445 (direct hosting, MS-SMB2 2.1) and NetBIOS 139 (RFC 1002 4.3): the only SMB
 * messages that carry GSS-API tokens where a KRB-ERROR can appear are SESSION_SETUP requests and
 * responses (SMB2 command 0x0001, MS-SMB2 2.2.5/2.2.6; SMB1 SMB_COM_SESSION_SETUP_ANDX 0x73,
 * MS-CIFS 2.2.4.53). This filter follows the session-service framing of each direction and
 * passes only the bytes of those messages to the decoder behind it (the GSS Kerberos scanner):
 * file data, which is most of an SMB stream, is passed over without being looked at.
 *
 * A direction whose first bytes are not a session-service header followed by an SMB protocol
 * id (or a NetBIOS session request/response/keep-alive), or that had a gap, is no longer
 * followed: its framing cannot be trusted. When neither direction is followed any more,
 * `onDone` tells the session layer that the connection needs no more decoding.
 */
import type { ChunkInfo, Dir, StreamDecoder } from '../stream.js';

/** NetBIOS session-service header (RFC 1002 4.3.1) and the start of the SMB header after it. */
const NBSS_HEADER = 4;
/** Bytes of the SMB header needed to read the command: SMB2's is at offset 12 (2 bytes). */
const SMB_PREFIX = 14;
const HEADER = NBSS_HEADER + SMB_PREFIX;

const NBSS_MESSAGE = 0x00;
/** Session request, positive/negative response, retarget, keep-alive (port 139). */
const NBSS_CONTROL_FIRST = 0x81;
const NBSS_CONTROL_LAST = 0x85;

const SMB2_SESSION_SETUP = 0x0001;
const SMB1_SESSION_SETUP_ANDX = 0x73;

/** Per-direction framing state. */
class Framing {
  /** Header bytes of the next message collected so far (0 between messages). */
  have = 0;
  /** Bytes of the current message still to come after its header, and whether they are passed on. */
  remaining = 0;
  pass = false;
  /** Framing lost (not SMB, or a gap): the direction is passed over. */
  lost = false;
  readonly header = new Uint8Array(HEADER);
}

export class SmbSessionSetupFilter implements StreamDecoder {
  private readonly dirs: readonly [Framing, Framing] = [new Framing(), new Framing()];
  private done = false;

  constructor(
    private readonly inner: StreamDecoder,
    private readonly onDone: () => void,
  ) {}

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const f = this.dirs[dir];
    const n = data.length;
    let p = 0;
    while (p < n && !f.lost) {
      if (f.remaining > 0) {
        const take = Math.min(f.remaining, n - p);
        if (f.pass) this.inner.push(dir, data.subarray(p, p + take), info);
        f.remaining -= take;
        p += take;
        continue;
      }
      // Collect the header of the next message (it may be split across segments).
      const take = Math.min(HEADER - f.have, n - p);
      f.header.set(data.subarray(p, p + take), f.have);
      f.have += take;
      p += take;
      // A control message of NetBIOS (139) is shorter than an SMB header: decide as soon as its 4 bytes are in.
      if (f.have >= NBSS_HEADER && f.header[0]! >= NBSS_CONTROL_FIRST && f.header[0]! <= NBSS_CONTROL_LAST) {
        const body = ((f.header[1]! & 1) << 16) | (f.header[2]! << 8) | f.header[3]!;
        // Bytes past the 4-byte header that were taken as an SMB prefix belong to the body or to the next message.
        const extra = f.have - NBSS_HEADER;
        f.have = 0;
        f.pass = false;
        if (extra > body) {
          // The next message started inside the collected bytes: re-read them.
          p -= extra - body;
          f.remaining = 0;
        } else f.remaining = body - extra;
        continue;
      }
      if (f.have < HEADER) break;
      this.startMessage(dir, f, info);
    }
  }

  /** A whole header is in: decide whether the message is passed on, and pass its first bytes. */
  private startMessage(dir: Dir, f: Framing, info: ChunkInfo): void {
    const h = f.header;
    f.have = 0;
    const length = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
    const smb = h[0] === NBSS_MESSAGE && length >= SMB_PREFIX && h[5] === 0x53 && h[6] === 0x4d && h[7] === 0x42; // 'SMB'
    if (!smb) {
      this.lose(f);
      return;
    }
    const id = h[4]!;
    // 0xFE: SMB2/3; 0xFF: SMB1; 0xFD (transform: encrypted) and 0xFC (compressed) carry no readable token.
    if (id === 0xfe) f.pass = (h[NBSS_HEADER + 12]! | (h[NBSS_HEADER + 13]! << 8)) === SMB2_SESSION_SETUP;
    else if (id === 0xff) f.pass = h[NBSS_HEADER + 4] === SMB1_SESSION_SETUP_ANDX;
    else if (id === 0xfd || id === 0xfc) f.pass = false;
    else {
      this.lose(f);
      return;
    }
    f.remaining = length - SMB_PREFIX;
    if (f.pass) this.inner.push(dir, h.subarray(NBSS_HEADER), info);
  }

  private lose(f: Framing): void {
    f.lost = true;
    f.remaining = 0;
    if (!this.done && this.dirs[0].lost && this.dirs[1].lost) {
      this.done = true;
      this.onDone();
    }
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    const f = this.dirs[dir];
    if (f.lost) return;
    this.inner.gap(dir, length, info);
    this.lose(f);
  }

  end(dir: Dir, info: ChunkInfo): void {
    this.inner.end(dir, info);
  }
}
