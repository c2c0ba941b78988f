/**
 * SMB over TCP 445 (direct hosting, MS-SMB2 2.1) and NetBIOS 139 (RFC 1002 4.3): the only SMB
 * messages that carry GSS-API tokens where a KRB-ERROR can appear are SESSION_SETUP requests and
 * responses (SMB2 command 0x0001, MS-SMB2 2.2.5/2.2.6; SMB1 SMB_COM_SESSION_SETUP_ANDX 0x73,
 * MS-CIFS 2.2.4.53). This filter follows the session-service framing of each direction and
 * passes only the bytes of those messages to the decoder behind it (the GSS Kerberos scanner):
 * file data, which is most of an SMB stream, is passed over without being looked at.
 *
 * A stream followed from its first byte must start with a session-service header and an SMB
 * protocol id (or a NetBIOS session request/response/keep-alive); if it does not, the direction is
 * not SMB and is given up. A stream picked up in the middle (capture started late), or a direction
 * after a gap, is re-synchronised on the next SMB2/SMB1 header (`00 len24 FE|FF 'SMB'`, with SMB2's
 * fixed StructureSize 64), searching at most RESYNC_BUDGET bytes before giving up; the bytes
 * searched are passed on as they are, since a session setup may have begun before them. Encrypted
 * (0xFD) and compressed (0xFC) messages are re-synchronisation points too, passed over. Bytes that
 * break the framing of a direction that was in step are searched the same way, from after the
 * header that broke it, without being passed on (a header starting inside those bytes, or cut by
 * the end of a chunk, is missed; the next one is found). When neither
 * direction is followed any more, `onDone` tells the session layer the connection needs no more
 * decoding.
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

/** Bytes searched for a header to re-synchronise on before the direction is given up. */
export const RESYNC_BUDGET = 1 << 20;
const SMB2_HEADER = 64;
const SMB1_HEADER = 32;
/** SMB2 TRANSFORM_HEADER (MS-SMB2 2.2.41) and COMPRESSION_TRANSFORM_HEADER (2.2.42). */
const SMB2_TRANSFORM_HEADER = 52;
const SMB2_COMPRESSION_HEADER = 16;

const SMB2_SESSION_SETUP = 0x0001;
const SMB1_SESSION_SETUP_ANDX = 0x73;

/** Per-direction framing state. */
class Framing {
  /** Header bytes of the next message collected so far (0 between messages). */
  have = 0;
  /** Bytes of the current message still to come after its header, and whether they are passed on. */
  remaining = 0;
  pass = false;
  /** Framing lost for good (not SMB, or no header found within the budget): the direction is passed over. */
  lost = false;
  /** Looking for a header to re-synchronise on, and bytes searched so far. */
  searching: boolean;
  searched = 0;
  /** While searching, pass the bytes on as they are (after a gap or a mid-stream start, not after bytes that broke the framing). */
  scanWhileSearching: boolean;
  /** At the first byte of a stream followed from its start, before any message: bytes that are not SMB here mean the stream is not SMB. */
  atStart: boolean;
  readonly header = new Uint8Array(HEADER);
  constructor(fromStart: boolean) {
    this.atStart = fromStart;
    this.searching = !fromStart;
    this.scanWhileSearching = !fromStart;
  }
}

export class SmbSessionSetupFilter implements StreamDecoder {
  private readonly dirs: readonly [Framing, Framing];
  private done = false;

  /** `fromStart`: the streams are followed from their first byte (the SYN was captured). */
  constructor(
    private readonly inner: StreamDecoder,
    private readonly onDone: () => void,
    fromStart = true,
  ) {
    this.dirs = [new Framing(fromStart), new Framing(fromStart)];
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const f = this.dirs[dir];
    const n = data.length;
    let p = 0;
    while (p < n && !f.lost) {
      if (f.searching) {
        // Until the framing is back, the bytes are scanned as they are (a session setup may have
        // started before the capture or the gap).
        const q = findHeader(data, p);
        const upTo = q < 0 ? n : q;
        if (f.scanWhileSearching && upTo > p) this.inner.push(dir, data.subarray(p, upTo), info);
        if (q < 0) {
          f.searched += n - p;
          if (f.searched > RESYNC_BUDGET) this.lose(f);
          return;
        }
        f.searching = false;
        f.scanWhileSearching = false;
        f.searched = 0;
        f.have = 0;
        p = q;
        continue;
      }
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
    const id = h[4]!;
    if (!smb || (id !== 0xfe && id !== 0xff && id !== 0xfd && id !== 0xfc)) {
      this.unframed(f);
      return;
    }
    f.atStart = false;
    // 0xFE: SMB2/3; 0xFF: SMB1; 0xFD (transform: encrypted) and 0xFC (compressed) carry no readable token.
    if (id === 0xfe) f.pass = (h[NBSS_HEADER + 12]! | (h[NBSS_HEADER + 13]! << 8)) === SMB2_SESSION_SETUP;
    else if (id === 0xff) f.pass = h[NBSS_HEADER + 4] === SMB1_SESSION_SETUP_ANDX;
    else f.pass = false;
    f.remaining = length - SMB_PREFIX;
    if (f.pass) this.inner.push(dir, h.subarray(NBSS_HEADER), info);
  }

  /** Bytes that are not a message header: not SMB at the start of a stream, lost framing later. */
  private unframed(f: Framing): void {
    f.pass = false;
    f.remaining = 0;
    if (f.atStart) this.lose(f);
    else {
      f.searching = true;
      f.scanWhileSearching = false;
    }
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
    // The scanner forgets what it held; this direction looks for the next header.
    this.inner.gap(dir, length, info);
    f.searching = true;
    f.searched = 0;
    f.atStart = false;
    f.scanWhileSearching = true;
    f.have = 0;
    f.remaining = 0;
    f.pass = false;
  }

  end(dir: Dir, info: ChunkInfo): void {
    this.inner.end(dir, info);
  }
}

/**
 * Offset of the next plausible SMB message header at or after `from` (session-service message
 * type 0, a length that holds the header, the protocol id — SMB2, SMB1, transform, compression —
 * and for SMB2 its StructureSize of 64), or -1. A header cut by the end of the chunk is found in a later message.
 */
function findHeader(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(0x53, from + 5); i >= 0 && i + 2 < b.length; i = b.indexOf(0x53, i + 1)) {
    // i is the 'S' of 'SMB': the header starts 5 bytes before it.
    if (b[i + 1] !== 0x4d || b[i + 2] !== 0x42) continue;
    const h = i - 5;
    if (b[h] !== NBSS_MESSAGE) continue;
    const id = b[h + 4];
    const length = (b[h + 1]! << 16) | (b[h + 2]! << 8) | b[h + 3]!;
    if (id === 0xfe) {
      if (length < SMB2_HEADER) continue;
      if (h + 10 <= b.length && (b[h + 8]! | (b[h + 9]! << 8)) !== SMB2_HEADER) continue;
      return h;
    }
    if (id === 0xff && length >= SMB1_HEADER) return h;
    if (id === 0xfd && length >= SMB2_TRANSFORM_HEADER) return h;
    if (id === 0xfc && length >= SMB2_COMPRESSION_HEADER) return h;
  }
  return -1;
}
