/**
 * TLS stream decoder for one TCP connection (both directions): record framing, handshake
 * reassembly, hello/certificate/alert parsing, phase tracking without keys and, when a
 * DecryptorFactory is given, the wiring to record decryption (src/protocols/tls/decrypt/types.ts).
 *
 * Chunk-split invariant: records and handshake messages are framed by their own lengths, so the
 * events do not depend on segment boundaries (only `frame`/`firstFrame` follow the segments).
 * Memory per direction is bounded by one record (≤ 2^14+2048+5 bytes, SSLv2 ≤ 32 KiB) plus one
 * handshake message (≤ MAX_PDU_BUFFER). After a gap or a framing error a direction is abandoned:
 * TLS records cannot be re-synchronised reliably.
 */
import { toHex } from '../../core/bytes.js';
import { issue, type IssueSeverity } from '../../core/issues.js';
import { MAX_PDU_BUFFER, type ChunkInfo, type Dir, type Sink, type StreamDecoder } from '../stream.js';
import { parseAlertRecord } from './alert.js';
import { parseCertificate } from './certificate.js';
import { parseCertificateRequest } from './certificate-request.js';
import { parseClientHello, type ClientHello } from './client-hello.js';
import { CompressionMethod, RecordInflater } from './compression.js';
import type { DecryptorFactory, DecryptResult, RecordDecryptor, TlsSessionParams } from './decrypt/types.js';
import type { TlsAppRecordEvent, TlsCertificateItem, TlsEvent } from './events.js';
import { HANDSHAKE_HEADER_LENGTH, HandshakeAssembler, HandshakeType, type HandshakeMessage } from './handshake.js';
import type { ParseProblem } from './problems.js';
import {
  ContentType,
  RECORD_HEADER_LENGTH,
  SSLV2_HEADER_LENGTH,
  isSslv2HeaderByte,
  recordHeaderProblem,
  sslv2RecordLength,
} from './record.js';
import { isTls13Version, parseServerHello, type ServerHello } from './server-hello.js';
import { Sslv2MessageType, parseSslv2ClientHello, parseSslv2ServerHello } from './sslv2.js';

export interface TlsDecoderOptions {
  /** Ask for a record decryptor once both hellos are known. */
  decryption?: DecryptorFactory;
  /** Decrypted application data of a direction, in order. `data` is owned by the callee. */
  onPlaintext?: (dir: Dir, data: Uint8Array, info: ChunkInfo) => void;
  /** The plaintext of a direction has a hole or stops here (gap, framing error, decryption failure). */
  onPlaintextGap?: (dir: Dir, info: ChunkInfo) => void;
}

const PROTOCOL = 'tls';
const TLS13_MARKER = 0x0304;
/** A held buffer up to this size is kept for the next partial record. */
const SMALL_BUFFER = 2048;

/** Decryption state of a direction. */
const DEC_NONE = 0;
const DEC_ACTIVE = 1;
const DEC_FAILED = 2;

class DirState {
  /** Partial record (header + body) held back across pushes. */
  buf: Uint8Array | null = null;
  bufLen = 0;
  /** Total bytes of the buffered record; 0 while its header is incomplete. */
  want = 0;
  /**
   * Body bytes of the current record still to pass over without keeping them (protected
   * application data with no decryption: only its size and time matter), its type and size.
   */
  skip = 0;
  skipType = 0;
  skipTotal = 0;
  headerLen = RECORD_HEADER_LENGTH;
  firstFrame = 0;
  /** Stream offset of the first byte of the current record. */
  offset = 0;
  /** Abandoned after a gap or a framing error. */
  stopped = false;
  /** SSLv2 session: the rest of the direction is not decoded (not an error). */
  opaque = false;
  ended = false;
  /** TLS ≤ 1.2 ChangeCipherSpec seen: later records are protected. */
  ccs = false;
  /** Finished seen (decrypted) or, without keys, the protected handshake record after CCS. */
  finished = false;
  /** TLS 1.3: outer-type-23 records after the ServerHello. */
  protectedRecords = 0;
  decrypt = DEC_NONE;
  plaintextGapSent = false;
  /** TLS ≤ 1.2 with DEFLATE compression negotiated: inflates decrypted records. */
  inflater: RecordInflater | null = null;
  readonly hs = new HandshakeAssembler();
  constructor(readonly dir: Dir) {}
}

export class TlsStreamDecoder implements StreamDecoder {
  private readonly dirs: readonly [DirState, DirState] = [new DirState(0), new DirState(1)];
  private clientHello: ClientHello | null = null;
  /** Kept only until decryption was set up (their randoms cost ~1 KB each per open connection). */
  private serverHello: ServerHello | null = null;
  private serverHelloSeen = false;
  private sslv2ClientRandom: Uint8Array | null = null;
  private sslv2Session = false;
  private helloRetryRequest = false;
  private tls13 = false;
  private version = 0;
  private complete = false;
  private decryptor: RecordDecryptor | null = null;
  private decryptOrigin = '';
  private decryptionAttempted = false;
  private okStatusSent = false;
  private failStatusSent = false;
  // Context of the record whose handshake fragment is being assembled (avoids a closure per record).
  private curDir: Dir = 0;
  private curInfo: ChunkInfo = { frame: 0, ts: NaN };
  private curDecrypted = false;
  private readonly onMessage = (m: HandshakeMessage): void => this.handshakeMessage(m);

  constructor(
    private readonly sink: Sink<TlsEvent>,
    private readonly options: TlsDecoderOptions = {},
  ) {}

  /** The negotiated version once a ServerHello was seen (0 before). */
  get negotiatedVersion(): number {
    return this.version;
  }

  get handshakeComplete(): boolean {
    return this.complete;
  }

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    const st = this.dirs[dir];
    const n = data.length;
    let p = 0;
    while (p < n && !st.stopped && !st.opaque && !st.ended) {
      if (st.skip > 0) {
        const take = Math.min(st.skip, n - p);
        st.skip -= take;
        p += take;
        if (st.skip > 0) break;
        this.bodylessRecord(st, st.skipType, st.skipTotal, st.firstFrame, info);
        st.offset += st.skipTotal;
        continue;
      }
      if (st.bufLen === 0) {
        // At a record boundary: whole records inside `data` are decoded from the view.
        st.headerLen = this.headerLength(st, data[p]!);
        st.want = 0;
        if (n - p >= st.headerLen) {
          const bodyLen = this.checkHeader(st, data, p, info);
          if (bodyLen < 0) return;
          const total = st.headerLen + bodyLen;
          if (n - p >= total) {
            this.record(st, data, p, total, info.frame, info);
            st.offset += total;
            p += total;
            continue;
          }
          st.want = total;
          if (st.headerLen === RECORD_HEADER_LENGTH && this.bodyNotNeeded(st, data[p]!)) {
            st.firstFrame = info.frame;
            this.startSkip(st, data[p]!, total, n - p);
            p = n;
            break;
          }
        }
        st.firstFrame = info.frame;
      }
      const target = st.want === 0 ? st.headerLen : st.want;
      if (st.buf === null || st.buf.length < target) {
        // Sized to the record being held (a header first, then its whole length): thousands of
        // open connections each holding a partial record must not each pin a maximum-size buffer.
        const next = new Uint8Array(Math.max(target, SMALL_BUFFER));
        if (st.buf !== null && st.bufLen > 0) next.set(st.buf.subarray(0, st.bufLen));
        st.buf = next;
      }
      const take = Math.min(target - st.bufLen, n - p);
      st.buf.set(data.subarray(p, p + take), st.bufLen);
      st.bufLen += take;
      p += take;
      if (st.bufLen < target) break;
      if (st.want === 0) {
        const bodyLen = this.checkHeader(st, st.buf, 0, info);
        if (bodyLen < 0) return;
        st.want = st.headerLen + bodyLen;
        if (st.bufLen < st.want) {
          if (st.headerLen === RECORD_HEADER_LENGTH && this.bodyNotNeeded(st, st.buf[0]!)) {
            const type = st.buf[0]!;
            const total = st.want;
            const have = st.bufLen;
            st.bufLen = 0;
            st.want = 0;
            this.startSkip(st, type, total, have);
          }
          continue;
        }
      }
      const total = st.want;
      st.bufLen = 0;
      st.want = 0;
      const held = st.buf;
      // A large buffer is let go once its record is decoded; the next straddling record gets its own.
      if (held.length > SMALL_BUFFER) st.buf = null;
      this.record(st, held, 0, total, st.firstFrame, info);
      st.offset += total;
    }
  }

  /** Protected application data (or heartbeat) that nobody will decrypt: its body is passed over. */
  private bodyNotNeeded(st: DirState, type: number): boolean {
    return (type === ContentType.applicationData || type === ContentType.heartbeat) && st.decrypt !== DEC_ACTIVE;
  }

  private startSkip(st: DirState, type: number, total: number, have: number): void {
    st.skip = total - have;
    st.skipType = type;
    st.skipTotal = total;
  }

  /** What `record` does for a record whose body was passed over (see bodyNotNeeded). */
  private bodylessRecord(st: DirState, type: number, total: number, firstFrame: number, info: ChunkInfo): void {
    this.appRecord(st.dir, type, total - RECORD_HEADER_LENGTH, firstFrame, info);
    if (type !== ContentType.applicationData) return;
    const protectedByHandshake = this.tls13 && this.serverHelloSeen;
    if (protectedByHandshake) st.protectedRecords++;
    if (protectedByHandshake && !this.complete) this.inferTls13Completion(st, info);
  }

  gap(dir: Dir, length: number, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.stopped || st.opaque || st.ended) return;
    this.stop(st, info, st.offset + st.bufLen + (st.skip > 0 ? st.skipTotal - st.skip : 0), `${length} byte(s) missing from the stream: stopped decoding this direction (TLS records cannot be re-synchronised)`, 'warning');
  }

  end(dir: Dir, info: ChunkInfo): void {
    const st = this.dirs[dir];
    if (st.ended) return;
    if (!st.stopped && !st.opaque) {
      if (st.skip > 0) {
        this.report(info, st.offset, `stream ended after ${st.skipTotal - st.skip} byte(s) of a ${st.skipTotal}-byte record`, 'warning');
      } else if (st.bufLen > 0) {
        const of = st.want === 0 ? 'a record header' : `a ${st.want}-byte record`;
        this.report(info, st.offset, `stream ended after ${st.bufLen} byte(s) of ${of}`, 'warning');
      } else if (st.hs.pending > 0) {
        this.report(info, st.offset, `stream ended inside a handshake message (${st.hs.pending} byte(s) held)`, 'warning');
      }
    }
    st.ended = true;
    st.buf = null;
    st.bufLen = 0;
    if (this.dirs[0].ended && this.dirs[1].ended && this.decryptor !== null && !this.okStatusSent && !this.failStatusSent) {
      this.status(dir, info, true, `secret found (${this.decryptOrigin}) but no protected record was decrypted`);
    }
  }

  // ---- framing ---------------------------------------------------------------------------

  private headerLength(st: DirState, b0: number): number {
    if (isSslv2HeaderByte(b0) && (st.offset === 0 || this.sslv2Session)) return SSLV2_HEADER_LENGTH;
    return RECORD_HEADER_LENGTH;
  }

  /** Validates the header at b[o]; returns the body length, or -1 after stopping the direction. */
  private checkHeader(st: DirState, b: Uint8Array, o: number, info: ChunkInfo): number {
    if (st.headerLen === SSLV2_HEADER_LENGTH) {
      const len = sslv2RecordLength(b[o]!, b[o + 1]!);
      if (len === 0) {
        this.stop(st, info, st.offset, 'SSLv2 record of length 0', 'error');
        return -1;
      }
      return len;
    }
    const type = b[o]!;
    const version = (b[o + 1]! << 8) | b[o + 2]!;
    const len = (b[o + 3]! << 8) | b[o + 4]!;
    const problem = recordHeaderProblem(type, version, len);
    if (problem !== null) {
      const what = st.offset === 0 ? ' (this direction does not start with TLS)' : '';
      this.stop(st, info, st.offset, `${problem}${what}: stopped decoding this direction`, 'error');
      return -1;
    }
    return len;
  }

  private record(st: DirState, b: Uint8Array, o: number, total: number, firstFrame: number, info: ChunkInfo): void {
    if (st.headerLen === SSLV2_HEADER_LENGTH) {
      this.sslv2Record(st, b.subarray(o + SSLV2_HEADER_LENGTH, o + total), firstFrame, info);
      return;
    }
    const type = b[o]!;
    const length = total - RECORD_HEADER_LENGTH;
    if (type === ContentType.applicationData || type === ContentType.heartbeat || this.complete) {
      this.appRecord(st.dir, type, length, firstFrame, info);
    }
    if (type === ContentType.applicationData) {
      this.applicationData(st, b, o, total, firstFrame, info);
      return;
    }
    if (type === ContentType.heartbeat) return;
    const body = b.subarray(o + RECORD_HEADER_LENGTH, o + total);
    if (length === 0) this.report(info, st.offset, `empty record of content type ${type}`, 'warning');
    if (type === ContentType.changeCipherSpec) this.changeCipherSpec(st, body, firstFrame, info);
    else if (type === ContentType.alert) this.alertRecord(st, body, firstFrame, info);
    else this.handshakeRecord(st, body, firstFrame, info);
  }

  // ---- content types ---------------------------------------------------------------------

  private appRecord(dir: Dir, contentType: number, length: number, firstFrame: number, info: ChunkInfo): void {
    const ev: TlsAppRecordEvent =
      firstFrame !== info.frame
        ? { type: 'tls.app_record', frame: info.frame, firstFrame, ts: info.ts, dir, contentType, length }
        : { type: 'tls.app_record', frame: info.frame, ts: info.ts, dir, contentType, length };
    this.sink(ev);
  }

  private applicationData(st: DirState, b: Uint8Array, o: number, total: number, firstFrame: number, info: ChunkInfo): void {
    const protectedByHandshake = this.tls13 && this.serverHelloSeen;
    if (protectedByHandshake) st.protectedRecords++;
    if (st.decrypt === DEC_ACTIVE && (protectedByHandshake || (!this.tls13 && st.ccs))) {
      const r = this.decryptRecord(st, ContentType.applicationData, b.subarray(o + RECORD_HEADER_LENGTH, o + total), info);
      if (r !== null) this.plaintext(st, r, firstFrame, info);
    }
    if (protectedByHandshake && !this.complete) this.inferTls13Completion(st, info);
  }

  /**
   * TLS 1.3 without (working) keys: the client's first protected record is its Finished (it is
   * sent only after the server's whole flight); any protected record after it, from either side,
   * is application data — the handshake is then complete (inferred).
   */
  private inferTls13Completion(st: DirState, info: ChunkInfo): void {
    if (this.dirs[0].decrypt === DEC_ACTIVE && this.dirs[1].decrypt === DEC_ACTIVE) return;
    const client = this.dirs[0].protectedRecords;
    if ((st.dir === 0 && client >= 2) || (st.dir === 1 && client >= 1)) this.completed(st.dir, info, true);
  }

  private changeCipherSpec(st: DirState, body: Uint8Array, firstFrame: number, info: ChunkInfo): void {
    let compat = this.tls13;
    if (!compat && !this.serverHelloSeen && this.clientHello !== null) {
      compat = this.clientHello.supportedVersions.includes(TLS13_MARKER);
    }
    this.emit({ type: 'tls.change_cipher_spec', ...this.base(st.dir, firstFrame, info), middleboxCompat: compat });
    if (body.length > 0 && (body.length !== 1 || body[0] !== 1)) {
      this.report(info, st.offset + RECORD_HEADER_LENGTH, `ChangeCipherSpec body is not the single byte 1 (length ${body.length})`, 'warning');
    }
    if (compat || st.ccs) return;
    st.ccs = true;
    if (this.decryptor !== null && st.decrypt === DEC_ACTIVE) this.decryptor.changeCipherSpec(st.dir);
  }

  private alertRecord(st: DirState, body: Uint8Array, firstFrame: number, info: ChunkInfo): void {
    if (!this.tls13 && st.ccs) {
      if (st.decrypt === DEC_ACTIVE) {
        const r = this.decryptRecord(st, ContentType.alert, body, info);
        if (r !== null) {
          this.plaintext(st, r, firstFrame, info);
          return;
        }
      }
      this.emit({ type: 'tls.encrypted_alert', ...this.base(st.dir, firstFrame, info), length: body.length });
      return;
    }
    const alerts = parseAlertRecord(body);
    if (alerts === null) {
      // Not readable as clear alerts: protected (a CCS we did not see) or malformed.
      this.emit({ type: 'tls.encrypted_alert', ...this.base(st.dir, firstFrame, info), length: body.length });
      return;
    }
    for (const a of alerts) {
      this.emit({ type: 'tls.alert', ...this.base(st.dir, firstFrame, info), level: a.level, description: a.description, encrypted: false });
    }
  }

  private handshakeRecord(st: DirState, body: Uint8Array, firstFrame: number, info: ChunkInfo): void {
    if (!this.tls13 && st.ccs) {
      if (st.decrypt === DEC_ACTIVE) {
        const r = this.decryptRecord(st, ContentType.handshake, body, info);
        if (r !== null) {
          this.plaintext(st, r, firstFrame, info);
          return;
        }
      }
      this.emit({ type: 'tls.encrypted_handshake', ...this.base(st.dir, firstFrame, info), length: body.length });
      if (!st.finished) {
        st.finished = true;
        this.checkFinished(st.dir, info);
      }
      return;
    }
    this.handshakeFragment(st, body, firstFrame, info, false);
  }

  private handshakeFragment(st: DirState, fragment: Uint8Array, firstFrame: number, info: ChunkInfo, decrypted: boolean): void {
    if (st.hs.failed) return;
    this.curDir = st.dir;
    this.curInfo = info;
    this.curDecrypted = decrypted;
    const overflow = st.hs.push(fragment, firstFrame, st.offset + RECORD_HEADER_LENGTH, this.onMessage);
    if (overflow !== null) {
      this.report(info, overflow.offset, `handshake message of ${overflow.length} bytes exceeds the ${MAX_PDU_BUFFER}-byte bound: handshake parsing abandoned in this direction`, 'error');
    }
  }

  // ---- decryption ------------------------------------------------------------------------

  private setupDecryption(info: ChunkInfo): void {
    const factory = this.options.decryption;
    const sh = this.serverHello;
    if (factory === undefined || sh === null || this.decryptionAttempted) return;
    this.decryptionAttempted = true;
    const ch = this.clientHello;
    const clientRandom = ch?.random ?? this.sslv2ClientRandom;
    if (clientRandom === null || clientRandom === undefined) {
      this.status(1, info, false, 'no ClientHello seen: the client random is unknown');
      return;
    }
    const params: TlsSessionParams = {
      version: this.version,
      cipherSuite: sh.cipherSuite,
      clientRandom,
      serverRandom: sh.random,
      encryptThenMac: (ch?.encryptThenMac ?? false) && sh.encryptThenMac,
      extendedMasterSecret: (ch?.extendedMasterSecret ?? false) && sh.extendedMasterSecret,
      helloRetryRequest: this.helloRetryRequest,
    };
    const r = factory.create(params, info.frame);
    if (!r.ok) {
      this.status(1, info, false, r.reason);
      return;
    }
    this.decryptor = r.decryptor;
    this.decryptOrigin = r.origin;
    for (const st of this.dirs) if (!st.stopped && !st.opaque) st.decrypt = DEC_ACTIVE;
    if (!this.tls13 && sh.compressionMethod === CompressionMethod.deflate) {
      for (const st of this.dirs) st.inflater = new RecordInflater();
    } else if (!this.tls13 && sh.compressionMethod !== CompressionMethod.null) {
      this.report(info, 0, `TLS compression method ${sh.compressionMethod} is unknown: decrypted records will not be decoded`, 'warning');
      for (const st of this.dirs) st.decrypt = DEC_FAILED;
    }
    // A direction whose CCS was already seen (cannot happen in order, kept for robustness).
    for (const st of this.dirs) if (st.ccs && st.decrypt === DEC_ACTIVE) r.decryptor.changeCipherSpec(st.dir);
  }

  private decryptRecord(st: DirState, contentType: number, body: Uint8Array, info: ChunkInfo): DecryptResult | null {
    const r = this.decryptor!.decrypt(st.dir, contentType, body);
    if (r.ok) {
      if (!this.okStatusSent && !this.failStatusSent) {
        this.status(st.dir, info, true, `decrypting with the secret from ${this.decryptOrigin}`);
      }
      return r;
    }
    st.decrypt = DEC_FAILED;
    if (!this.failStatusSent) this.status(st.dir, info, false, `secret does not decrypt: ${r.reason} at frame ${info.frame}`);
    this.plaintextGap(st, info);
    return null;
  }

  private plaintext(st: DirState, r: DecryptResult, firstFrame: number, info: ChunkInfo): void {
    if (!r.ok) return;
    let data = r.plaintext;
    if (st.inflater !== null) {
      const z = st.inflater.inflate(data);
      if (!z.ok) {
        if (st.decrypt === DEC_ACTIVE) {
          st.decrypt = DEC_FAILED;
          this.report(info, st.offset, `TLS compression: ${z.reason}; decrypted records of this direction are no longer decoded`, 'warning');
          this.plaintextGap(st, info);
        }
        return;
      }
      data = z.plaintext;
    }
    switch (r.contentType) {
      case ContentType.handshake:
        this.handshakeFragment(st, data, firstFrame, info, true);
        break;
      case ContentType.alert: {
        const alerts = parseAlertRecord(data);
        if (alerts === null) {
          this.report(info, st.offset, `decrypted alert record of ${data.length} byte(s) is malformed`, 'warning');
          break;
        }
        for (const a of alerts) {
          this.emit({
            type: 'tls.alert',
            ...this.base(st.dir, firstFrame, info),
            decrypted: true,
            level: a.level,
            description: a.description,
            encrypted: true,
          });
        }
        break;
      }
      case ContentType.applicationData:
        if (data.length > 0 && this.options.onPlaintext !== undefined) this.options.onPlaintext(st.dir, data, info);
        break;
      default:
        break;
    }
  }

  private plaintextGap(st: DirState, info: ChunkInfo): void {
    if (st.plaintextGapSent || this.decryptor === null) return;
    st.plaintextGapSent = true;
    this.options.onPlaintextGap?.(st.dir, info);
  }

  // ---- handshake messages ----------------------------------------------------------------

  private handshakeMessage(m: HandshakeMessage): void {
    const dir = this.curDir;
    const info = this.curInfo;
    const st = this.dirs[dir];
    switch (m.msgType) {
      case HandshakeType.clientHello:
        this.onClientHello(dir, m, info);
        break;
      case HandshakeType.serverHello:
        this.onServerHello(dir, m, info);
        break;
      case HandshakeType.certificate: {
        const r = parseCertificate(m.body, this.tls13);
        if (!r.ok) {
          this.parseFailure(m, info, r.offset, r.message);
          break;
        }
        this.problems(m, info, r.problems);
        const certificates: TlsCertificateItem[] = r.value.entries.map((e) =>
          e.extensions !== undefined ? { ...e.info, extensions: e.extensions } : e.info,
        );
        this.emit({ type: 'tls.certificate', ...this.base(dir, m.firstFrame, info), ...this.dec(), certificates, tls13: this.tls13 });
        break;
      }
      case HandshakeType.certificateRequest: {
        const r = parseCertificateRequest(m.body, this.version, this.tls13);
        if (!r.ok) {
          this.parseFailure(m, info, r.offset, r.message);
          break;
        }
        this.problems(m, info, r.problems);
        const v = r.value;
        this.emit({
          type: 'tls.certificate_request',
          ...this.base(dir, m.firstFrame, info),
          ...this.dec(),
          certificateTypes: v.certificateTypes,
          signatureAlgorithms: v.signatureAlgorithms,
          authorityCount: v.authorityCount,
        });
        break;
      }
      case HandshakeType.serverHelloDone:
        if (m.body.length !== 0) this.report(info, m.offset, `ServerHelloDone with a ${m.body.length}-byte body`, 'warning');
        this.emit({ type: 'tls.server_hello_done', ...this.base(dir, m.firstFrame, info), ...this.dec() });
        break;
      default:
        this.emit({ type: 'tls.handshake_message', ...this.base(dir, m.firstFrame, info), ...this.dec(), msgType: m.msgType, length: m.body.length });
        if (m.msgType === HandshakeType.finished && !st.finished) {
          st.finished = true;
          this.checkFinished(dir, info);
        }
        break;
    }
  }

  private onClientHello(dir: Dir, m: HandshakeMessage, info: ChunkInfo): void {
    const r = parseClientHello(m.body);
    if (!r.ok) {
      this.parseFailure(m, info, r.offset, r.message);
      return;
    }
    this.problems(m, info, r.problems);
    const ch = r.value;
    const ev = {
      type: 'tls.client_hello' as const,
      ...this.base(dir, m.firstFrame, info),
      ...this.dec(),
      legacyVersion: ch.legacyVersion,
      supportedVersions: ch.supportedVersions,
      cipherSuites: ch.cipherSuites,
      compressionMethods: ch.compressionMethods,
      ...(ch.sni !== undefined ? { sni: ch.sni } : {}),
      alpn: ch.alpn,
      signatureAlgorithms: ch.signatureAlgorithms,
      groups: ch.groups,
      keyShareGroups: ch.keyShareGroups,
      clientRandom: toHex(ch.random),
      sessionIdLength: ch.sessionIdLength,
      extensions: ch.extensions,
      encryptThenMac: ch.encryptThenMac,
      extendedMasterSecret: ch.extendedMasterSecret,
      renegotiationInfo: ch.renegotiationInfo,
      afterHelloRetryRequest: this.helloRetryRequest && !this.serverHelloSeen,
    };
    this.emit(ev);
    if (!this.serverHelloSeen) this.clientHello = ch; // not a renegotiation
  }

  private onServerHello(dir: Dir, m: HandshakeMessage, info: ChunkInfo): void {
    const r = parseServerHello(m.body);
    if (!r.ok) {
      this.parseFailure(m, info, r.offset, r.message);
      return;
    }
    this.problems(m, info, r.problems);
    const sh = r.value;
    this.emit({
      type: 'tls.server_hello',
      ...this.base(dir, m.firstFrame, info),
      ...this.dec(),
      legacyVersion: sh.legacyVersion,
      selectedVersion: sh.selectedVersion,
      cipherSuite: sh.cipherSuite,
      compressionMethod: sh.compressionMethod,
      serverRandom: toHex(sh.random),
      sessionIdLength: sh.sessionIdLength,
      helloRetryRequest: sh.helloRetryRequest,
      extensions: sh.extensions,
      ...(sh.alpn !== undefined ? { alpn: sh.alpn } : {}),
      ...(sh.keyShareGroup !== undefined ? { keyShareGroup: sh.keyShareGroup } : {}),
      encryptThenMac: sh.encryptThenMac,
      extendedMasterSecret: sh.extendedMasterSecret,
      renegotiationInfo: sh.renegotiationInfo,
      ...(sh.downgradeSentinel !== undefined ? { downgradeSentinel: sh.downgradeSentinel } : {}),
    });
    if (this.serverHelloSeen) return; // renegotiation: the session parameters stay
    if (sh.helloRetryRequest) {
      this.helloRetryRequest = true;
      this.tls13 = true;
      this.version = sh.selectedVersion;
      return;
    }
    this.serverHello = sh;
    this.serverHelloSeen = true;
    this.version = sh.selectedVersion;
    this.tls13 = isTls13Version(sh.selectedVersion);
    this.setupDecryption(info);
    // The hellos were needed for the key schedule only.
    this.clientHello = null;
    this.serverHello = null;
    this.sslv2ClientRandom = null;
  }

  private checkFinished(dir: Dir, info: ChunkInfo): void {
    if (this.dirs[0].finished && this.dirs[1].finished) this.completed(dir, info, false);
  }

  private completed(dir: Dir, info: ChunkInfo, inferred: boolean): void {
    if (this.complete) return;
    this.complete = true;
    this.emit({ type: 'tls.handshake_complete', frame: info.frame, ts: info.ts, dir, version: this.version, inferred });
  }

  // ---- SSLv2 -----------------------------------------------------------------------------

  private sslv2Record(st: DirState, body: Uint8Array, firstFrame: number, info: ChunkInfo): void {
    const first = st.offset === 0;
    if (first && st.dir === 0 && body[0] === Sslv2MessageType.clientHello) {
      const r = parseSslv2ClientHello(body);
      if (!r.ok) {
        this.stop(st, info, st.offset + SSLV2_HEADER_LENGTH + r.offset, `${r.message}: stopped decoding this direction`, 'error');
        return;
      }
      const v = r.value;
      this.sslv2Session = true;
      this.sslv2ClientRandom = v.clientRandom;
      this.emit({
        type: 'tls.sslv2_client_hello',
        ...this.base(st.dir, firstFrame, info),
        version: v.version,
        cipherSpecs: v.cipherSpecs,
        sessionIdLength: v.sessionIdLength,
        clientRandom: toHex(v.clientRandom),
      });
      return;
    }
    if (first && st.dir === 1 && body[0] === Sslv2MessageType.serverHello) {
      const r = parseSslv2ServerHello(body);
      if (!r.ok) {
        this.stop(st, info, st.offset + SSLV2_HEADER_LENGTH + r.offset, `${r.message}: stopped decoding this direction`, 'error');
        return;
      }
      const v = r.value;
      this.sslv2Session = true;
      this.emit({
        type: 'tls.sslv2_server_hello',
        ...this.base(st.dir, firstFrame, info),
        version: v.version,
        cipherSpecs: v.cipherSpecs,
        certificateLength: v.certificateLength,
        sessionIdHit: v.sessionIdHit,
      });
      st.opaque = true; // the rest of an SSLv2 session is not decoded
      return;
    }
    if (this.sslv2Session && !first) {
      st.opaque = true;
      return;
    }
    this.stop(st, info, st.offset, `SSLv2-style record (message type ${body[0]}) is not a hello: stopped decoding this direction`, 'error');
  }

  // ---- helpers ---------------------------------------------------------------------------

  private base(dir: Dir, firstFrame: number, info: ChunkInfo): { frame: number; firstFrame?: number; ts: number; dir: Dir } {
    return firstFrame !== info.frame && firstFrame !== 0
      ? { frame: info.frame, firstFrame, ts: info.ts, dir }
      : { frame: info.frame, ts: info.ts, dir };
  }

  private dec(): { decrypted?: true } {
    return this.curDecrypted ? { decrypted: true } : {};
  }

  private emit(ev: TlsEvent): void {
    this.sink(ev);
  }

  private status(dir: Dir, info: ChunkInfo, ok: boolean, reason: string): void {
    if (ok) this.okStatusSent = true;
    else this.failStatusSent = true;
    this.emit({
      type: 'tls.decrypt_status',
      frame: info.frame,
      ts: info.ts,
      dir,
      ok,
      reason,
      ...(ok ? { origin: this.decryptOrigin } : {}),
    });
  }

  private report(info: ChunkInfo, offset: number, message: string, severity: IssueSeverity): void {
    this.sink(issue(PROTOCOL, info.frame, info.ts, offset, message, severity));
  }

  private parseFailure(m: HandshakeMessage, info: ChunkInfo, offset: number, message: string): void {
    const what = this.curDecrypted ? ' (decrypted)' : '';
    this.report(info, m.offset + HANDSHAKE_HEADER_LENGTH + offset, `${message}${what}`, 'warning');
  }

  private problems(m: HandshakeMessage, info: ChunkInfo, problems: readonly ParseProblem[]): void {
    for (const p of problems) this.parseFailure(m, info, p.offset, p.message);
  }

  private stop(st: DirState, info: ChunkInfo, offset: number, message: string, severity: IssueSeverity): void {
    st.stopped = true;
    st.buf = null;
    st.bufLen = 0;
    st.want = 0;
    st.skip = 0;
    this.report(info, offset, `${st.dir === 0 ? 'client→server' : 'server→client'}: ${message}`, severity);
    this.plaintextGap(st, info);
  }
}
