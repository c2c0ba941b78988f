/**
 * TLS 1.3 record decryption from logged traffic secrets (RFC 8446 §5.2–5.3, §7.1–7.3):
 * HKDF-Expand-Label, traffic key/IV derivation, per-record nonce (IV XOR sequence number),
 * inner content type recovery, the handshake → application key switch after each
 * direction's Finished, and KeyUpdate (next-generation secret).
 *
 * The decryptor follows the handshake messages inside decrypted records (they may span
 * records) so it knows where Finished and KeyUpdate end; keys change at the record boundary
 * after them (RFC 8446 §5.1: handshake messages must not span key changes).
 *
 * Failure semantics as in TLS 1.2: a failed record does not advance the sequence number, and
 * a record that fails is retried with up to MAX_RESYNC later sequence numbers. When
 * only the application secret of a direction is known, records of that direction that fail
 * before the first success are reported as handshake records that cannot be decrypted.
 */
import { createHmac } from 'node:crypto';
import { u24be } from '../../../core/bytes.js';
import type { Dir } from '../../stream.js';
import type { CipherSuiteInfo } from './suites.js';
import { aeadOpen, REASON_TAG_MISMATCH, RESYNC_GIVE_UP, resyncWindow } from './tls12.js';
import type { DecryptResult, RecordDecryptor } from './types.js';

const HASH_LEN = { sha256: 32, sha384: 48 } as const;

/** HKDF-Expand (RFC 5869 §2.3). */
export function hkdfExpand(hash: 'sha256' | 'sha384', prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let t: Buffer = Buffer.alloc(0);
  let off = 0;
  for (let i = 1; off < length; i++) {
    t = createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(i)).digest();
    off += t.copy(out, off);
  }
  return out;
}

/** HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix (RFC 8446 §7.1). */
export function hkdfExpandLabel(
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Buffer {
  const full = Buffer.from('tls13 ' + label, 'latin1');
  const info = Buffer.alloc(2 + 1 + full.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  full.copy(info, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return hkdfExpand(hash, secret, info, length);
}

export interface TrafficKeys {
  readonly key: Buffer;
  readonly iv: Buffer;
}

/** [sender]_write_key / [sender]_write_iv from a traffic secret (RFC 8446 §7.3). */
export function trafficKeys(suite: CipherSuiteInfo, secret: Uint8Array): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(suite.prfHash, secret, 'key', empty, suite.keyLength),
    iv: hkdfExpandLabel(suite.prfHash, secret, 'iv', empty, 12),
  };
}

/** application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2). */
export function nextTrafficSecret(suite: CipherSuiteInfo, secret: Uint8Array): Buffer {
  return hkdfExpandLabel(suite.prfHash, secret, 'traffic upd', new Uint8Array(0), HASH_LEN[suite.prfHash]);
}

/** Which keys a direction currently uses. */
export const Tls13Phase = { handshake: 'handshake', application: 'application' } as const;
export type Tls13Phase = (typeof Tls13Phase)[keyof typeof Tls13Phase];

const HS_FINISHED = 20;
const HS_KEY_UPDATE = 24;
const CT_HANDSHAKE = 22;

class DirState13 {
  phase: Tls13Phase;
  seq = 0;
  failStreak = 0;
  /** Application traffic keys are known but handshake ones are not: nothing decrypted yet. */
  handshakeUnknown: boolean;
  keys: TrafficKeys | null;
  appSecret: Uint8Array | null;
  /** Application secret generation (0 = *_TRAFFIC_SECRET_0). */
  generation = 0;
  readonly nonce = Buffer.alloc(12);
  readonly aad = Buffer.from([23, 3, 3, 0, 0]);
  // Handshake message framing across records (inner type 22 only).
  hsHeader = Buffer.alloc(4);
  hsHeaderFill = 0;
  hsRemaining = 0;
  hsType = -1;

  constructor(
    readonly suite: CipherSuiteInfo,
    handshakeSecret: Uint8Array | undefined,
    appSecret: Uint8Array | undefined,
  ) {
    this.appSecret = appSecret ?? null;
    if (handshakeSecret !== undefined) {
      this.phase = 'handshake';
      this.handshakeUnknown = false;
      this.keys = trafficKeys(suite, handshakeSecret);
    } else {
      this.phase = 'application';
      this.handshakeUnknown = appSecret !== undefined;
      this.keys = appSecret !== undefined ? trafficKeys(suite, appSecret) : null;
    }
  }

  switchToApplication(): void {
    this.phase = 'application';
    this.keys = this.appSecret !== null ? trafficKeys(this.suite, this.appSecret) : null;
    this.seq = 0;
    this.failStreak = 0;
  }

  keyUpdate(): void {
    if (this.appSecret === null) return;
    this.appSecret = nextTrafficSecret(this.suite, this.appSecret);
    this.generation++;
    this.keys = trafficKeys(this.suite, this.appSecret);
    this.seq = 0;
    this.failStreak = 0;
  }

  /**
   * Walk the handshake messages of one decrypted record; returns the type of the last
   * message that completed in it when it is Finished or KeyUpdate (else -1).
   */
  scanHandshake(data: Uint8Array): number {
    let keyChange = -1;
    let o = 0;
    while (o < data.length) {
      if (this.hsRemaining === 0) {
        while (this.hsHeaderFill < 4 && o < data.length) this.hsHeader[this.hsHeaderFill++] = data[o++]!;
        if (this.hsHeaderFill < 4) break;
        this.hsHeaderFill = 0;
        this.hsType = this.hsHeader[0]!;
        this.hsRemaining = u24be(this.hsHeader, 1);
        if (this.hsRemaining === 0) {
          keyChange = this.hsType === HS_FINISHED || this.hsType === HS_KEY_UPDATE ? this.hsType : -1;
          continue;
        }
      }
      const take = Math.min(this.hsRemaining, data.length - o);
      o += take;
      this.hsRemaining -= take;
      if (this.hsRemaining === 0) keyChange = this.hsType === HS_FINISHED || this.hsType === HS_KEY_UPDATE ? this.hsType : -1;
    }
    // A key change only counts when its message ends the record.
    return this.hsRemaining === 0 && this.hsHeaderFill === 0 ? keyChange : -1;
  }
}

const fail = (reason: string): DecryptResult => ({ ok: false, reason });

export interface Tls13Secrets {
  clientHandshakeTrafficSecret?: Uint8Array;
  serverHandshakeTrafficSecret?: Uint8Array;
  clientTrafficSecret0?: Uint8Array;
  serverTrafficSecret0?: Uint8Array;
}

/** Record decryption for TLS 1.3; follows Finished and KeyUpdate itself. */
export class Tls13Decryptor implements RecordDecryptor {
  readonly #suite: CipherSuiteInfo;
  readonly #dirs: readonly [DirState13, DirState13];

  constructor(suite: CipherSuiteInfo, secrets: Tls13Secrets) {
    this.#suite = suite;
    this.#dirs = [
      new DirState13(suite, secrets.clientHandshakeTrafficSecret, secrets.clientTrafficSecret0),
      new DirState13(suite, secrets.serverHandshakeTrafficSecret, secrets.serverTrafficSecret0),
    ];
  }

  /** Current phase and application secret generation of a direction (for diagnostics and tests). */
  state(dir: Dir): { phase: Tls13Phase; generation: number; seq: number } {
    const d = this.#dirs[dir];
    return { phase: d.phase, generation: d.generation, seq: d.seq };
  }

  /** No-op in TLS 1.3 (a middlebox-compatibility CCS changes nothing). */
  changeCipherSpec(_dir: Dir): void {}

  decrypt(dir: Dir, contentType: number, body: Uint8Array): DecryptResult {
    const d = this.#dirs[dir];
    if (d.keys === null) {
      return fail(d.phase === 'handshake' ? 'no handshake traffic secret for this direction' : 'no application traffic secret for this direction');
    }
    const tagLen = this.#suite.tagLength;
    if (body.length < tagLen + 1) return fail('record too short for its cipher');
    if (body.length > (1 << 14) + 256) return fail('record longer than 2^14 + 256 bytes');
    const ct = body.subarray(0, body.length - tagLen);
    const tag = body.subarray(body.length - tagLen);
    d.aad[0] = contentType;
    d.aad.writeUInt16BE(body.length, 3);
    let pt: Buffer | null = null;
    const window = resyncWindow(d.failStreak);
    for (let k = 0; k <= window && pt === null; k++) {
      const seq = d.seq + k;
      d.nonce.set(d.keys.iv, 0);
      const hi = Math.floor(seq / 0x1_0000_0000) >>> 0;
      d.nonce.writeUInt32BE((d.nonce.readUInt32BE(4) ^ hi) >>> 0, 4);
      d.nonce.writeUInt32BE((d.nonce.readUInt32BE(8) ^ (seq >>> 0)) >>> 0, 8);
      pt = aeadOpen(this.#suite, d.keys.key, d.nonce, d.aad, ct, tag);
      if (pt !== null) d.seq = seq + 1;
    }
    if (pt === null) {
      if (d.failStreak < RESYNC_GIVE_UP) d.failStreak++;
      return fail(d.handshakeUnknown ? 'encrypted handshake record: no handshake traffic secret for this direction' : REASON_TAG_MISMATCH);
    }
    d.failStreak = 0;
    d.handshakeUnknown = false;
    // TLSInnerPlaintext: content | type | zeros (RFC 8446 §5.2).
    let end = pt.length - 1;
    while (end >= 0 && pt[end] === 0) end--;
    if (end < 0) return fail('decrypted record has no inner content type');
    const inner = pt[end]!;
    const plaintext = pt.subarray(0, end);
    if (inner === CT_HANDSHAKE) {
      const change = d.scanHandshake(plaintext);
      if (change === HS_FINISHED && d.phase === 'handshake') d.switchToApplication();
      else if (change === HS_KEY_UPDATE && d.phase === 'application') d.keyUpdate();
    }
    return { ok: true, contentType: inner, plaintext };
  }
}
