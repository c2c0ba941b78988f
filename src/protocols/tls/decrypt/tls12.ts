/**
 * TLS 1.0–1.2 record decryption from a logged master secret: PRF (RFC 2246 §5 for 1.0/1.1,
 * RFC 5246 §5 for 1.2), key block (RFC 5246 §6.3), AEAD records (RFC 5288 GCM / RFC 6655 CCM
 * with an explicit 8-byte nonce; RFC 7905 ChaCha20-Poly1305 with the XOR nonce), CBC records
 * with MAC-then-encrypt (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366), and the TLS 1.0
 * implicit IV (the last ciphertext block of the previous record).
 *
 * Failure semantics: a record that fails authentication returns `{ok:false}` and does not
 * advance the direction's sequence number. A record that fails with the expected sequence
 * number is retried with the next MAX_RESYNC ones, so a lost record (not captured, or not
 * passed here) or a corrupt one does not break the rest of the stream: on success the
 * sequence number continues from the one that worked. After RESYNC_GIVE_UP failures in a
 * row (wrong keys, not a TLS stream) the lookahead stops, to keep the cost at one attempt per
 * record. Plaintext is returned only after the tag/MAC (and CBC padding) checked out.
 */
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { Dir } from '../../stream.js';
import type { CipherSuiteInfo, HashName } from './suites.js';
import type { DecryptResult, RecordDecryptor } from './types.js';

/** How many sequence numbers past the expected one are tried when a record fails. */
export const MAX_RESYNC = 8;
/** Consecutive failures after which the lookahead is no longer tried. */
export const RESYNC_GIVE_UP = 32;

/** Extra sequence numbers to try for a direction with `failStreak` failures in a row. */
export function resyncWindow(failStreak: number): number {
  return failStreak < RESYNC_GIVE_UP ? MAX_RESYNC : 0;
}

export const REASON_TAG_MISMATCH = 'authentication tag mismatch';
export const REASON_BAD_MAC = 'bad record MAC or padding';

function pHash(hash: HashName, secret: Uint8Array, labelSeed: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let a: Buffer = createHmac(hash, secret).update(labelSeed).digest();
  let off = 0;
  while (off < length) {
    const chunk = createHmac(hash, secret).update(a).update(labelSeed).digest();
    off += chunk.copy(out, off);
    a = createHmac(hash, secret).update(a).digest();
  }
  return out;
}

function labelSeed(label: string, seed: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(label, 'latin1'), seed]);
}

/** TLS 1.2 PRF: P_<hash>(secret, label + seed) (RFC 5246 §5). */
export function prf12(hash: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  return pHash(hash, secret, labelSeed(label, seed), length);
}

/** TLS 1.0/1.1 PRF: P_MD5(S1, …) XOR P_SHA1(S2, …), S1/S2 the (overlapping) halves of the secret (RFC 2246 §5). */
export function prf10(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const half = Math.ceil(secret.length / 2);
  const s1 = secret.subarray(0, half);
  const s2 = secret.subarray(secret.length - half);
  const ls = labelSeed(label, seed);
  const md5 = pHash('md5', s1, ls, length);
  const sha = pHash('sha1', s2, ls, length);
  for (let i = 0; i < length; i++) md5[i] = md5[i]! ^ sha[i]!;
  return md5;
}

export interface Tls12KeyBlock {
  readonly clientMacKey: Uint8Array;
  readonly serverMacKey: Uint8Array;
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  /** AEAD: implicit nonce part. CBC in TLS 1.0: the first IV. CBC in 1.1+: unused. */
  readonly clientIv: Uint8Array;
  readonly serverIv: Uint8Array;
}

/** key_block = PRF(master_secret, "key expansion", server_random + client_random), partitioned per RFC 5246 §6.3. */
export function expandKeyBlock(
  suite: CipherSuiteInfo,
  version: number,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Tls12KeyBlock {
  const mac = suite.macLength;
  const key = suite.keyLength;
  const iv = suite.ivLength;
  const total = 2 * (mac + key + iv);
  const seed = Buffer.concat([serverRandom, clientRandom]);
  const kb = version >= 0x0303 ? prf12(suite.prfHash, masterSecret, 'key expansion', seed, total) : prf10(masterSecret, 'key expansion', seed, total);
  let o = 0;
  const take = (n: number): Uint8Array => kb.subarray(o, (o += n));
  return {
    clientMacKey: take(mac),
    serverMacKey: take(mac),
    clientKey: take(key),
    serverKey: take(key),
    clientIv: take(iv),
    serverIv: take(iv),
  };
}

class DirState {
  active = false;
  seq = 0;
  /** Failed records in a row (saturates at RESYNC_GIVE_UP). */
  failStreak = 0;
  readonly nonce = Buffer.alloc(12);
  /** seq_num(8) | type(1) | version(2) | length(2): AEAD additional data and the MAC header. */
  readonly header = Buffer.alloc(13);
  /** TLS 1.0 CBC: IV for the next record (last ciphertext block of the previous one). */
  chainIv: Uint8Array;
  constructor(
    readonly key: Uint8Array,
    readonly macKey: Uint8Array,
    readonly fixedIv: Uint8Array,
  ) {
    this.chainIv = fixedIv;
  }
}

function writeHeader(h: Buffer, seq: number, type: number, version: number, length: number): void {
  h.writeUInt32BE(Math.floor(seq / 0x1_0000_0000) >>> 0, 0);
  h.writeUInt32BE(seq >>> 0, 4);
  h[8] = type;
  h.writeUInt16BE(version, 9);
  h.writeUInt16BE(length, 11);
}

const fail = (reason: string): DecryptResult => ({ ok: false, reason });

/** Record decryption for TLS 1.0, 1.1 and 1.2 (the decoder calls changeCipherSpec per direction). */
export class Tls12Decryptor implements RecordDecryptor {
  readonly #suite: CipherSuiteInfo;
  readonly #version: number;
  readonly #etm: boolean;
  readonly #dirs: readonly [DirState, DirState];

  constructor(suite: CipherSuiteInfo, version: number, keys: Tls12KeyBlock, encryptThenMac: boolean) {
    this.#suite = suite;
    this.#version = version;
    // RFC 7366 applies to CBC suites only; AEAD suites ignore the extension.
    this.#etm = encryptThenMac && suite.mode === 'cbc';
    this.#dirs = [
      new DirState(keys.clientKey, keys.clientMacKey, keys.clientIv),
      new DirState(keys.serverKey, keys.serverMacKey, keys.serverIv),
    ];
  }

  changeCipherSpec(dir: Dir): void {
    const d = this.#dirs[dir];
    d.active = true;
    d.seq = 0;
    d.failStreak = 0;
    d.chainIv = d.fixedIv;
  }

  decrypt(dir: Dir, contentType: number, body: Uint8Array): DecryptResult {
    const d = this.#dirs[dir];
    if (!d.active) return fail('no change_cipher_spec seen in this direction');
    const r = this.#suite.mode === 'cbc' ? this.#cbc(d, contentType, body) : this.#aead(d, contentType, body);
    if (r.ok) d.failStreak = 0;
    else if (d.failStreak < RESYNC_GIVE_UP) d.failStreak++;
    return r;
  }

  #aead(d: DirState, type: number, body: Uint8Array): DecryptResult {
    const s = this.#suite;
    const explicit = s.mode === 'chacha20' ? 0 : 8;
    if (body.length < explicit + s.tagLength) return fail('record too short for its cipher');
    const ct = body.subarray(explicit, body.length - s.tagLength);
    const tag = body.subarray(body.length - s.tagLength);
    if (explicit !== 0) {
      d.nonce.set(d.fixedIv, 0);
      d.nonce.set(body.subarray(0, 8), 4);
    }
    const window = resyncWindow(d.failStreak);
    for (let k = 0; k <= window; k++) {
      const seq = d.seq + k;
      if (explicit === 0) {
        // RFC 7905 §2: nonce = IV XOR (0^32 || seq_num).
        d.nonce.set(d.fixedIv, 0);
        const hi = Math.floor(seq / 0x1_0000_0000) >>> 0;
        const lo = seq >>> 0;
        d.nonce.writeUInt32BE((d.nonce.readUInt32BE(4) ^ hi) >>> 0, 4);
        d.nonce.writeUInt32BE((d.nonce.readUInt32BE(8) ^ lo) >>> 0, 8);
      }
      writeHeader(d.header, seq, type, this.#version, ct.length);
      const pt = aeadOpen(s, d.key, d.nonce, d.header, ct, tag);
      if (pt !== null) {
        d.seq = seq + 1;
        return { ok: true, contentType: type, plaintext: pt };
      }
    }
    return fail(REASON_TAG_MISMATCH);
  }

  #cbc(d: DirState, type: number, body: Uint8Array): DecryptResult {
    const s = this.#suite;
    const bs = s.blockSize;
    const explicitIv = this.#version >= 0x0302;
    const macLen = s.macLength;
    const encLen = this.#etm ? body.length - macLen : body.length;
    const ivLen = explicitIv ? bs : 0;
    if (encLen < ivLen + bs || (encLen - ivLen) % bs !== 0) return fail('record length is not a whole number of cipher blocks');
    const iv = explicitIv ? body.subarray(0, bs) : d.chainIv;
    const ct = body.subarray(ivLen, encLen);
    if (!explicitIv) d.chainIv = Uint8Array.from(ct.subarray(ct.length - bs));

    let etmSeq = -1;
    if (this.#etm) {
      const mac = body.subarray(encLen);
      const window = resyncWindow(d.failStreak);
      for (let k = 0; k <= window && etmSeq < 0; k++) {
        writeHeader(d.header, d.seq + k, type, this.#version, encLen);
        const want = createHmac(s.mac!, d.macKey).update(d.header).update(body.subarray(0, encLen)).digest();
        if (timingSafeEqual(want, mac)) etmSeq = d.seq + k;
      }
      if (etmSeq < 0) return fail(REASON_BAD_MAC);
    }

    let pt: Buffer;
    try {
      const dec = createDecipheriv(s.cipher, d.key, iv);
      dec.setAutoPadding(false);
      pt = dec.update(ct);
      const rest = dec.final();
      if (rest.length !== 0) pt = Buffer.concat([pt, rest]);
    } catch {
      return fail('block decryption failed');
    }
    const padLen = pt[pt.length - 1]!;
    const contentEnd = pt.length - 1 - padLen - (this.#etm ? 0 : macLen);
    if (contentEnd < 0) return fail(REASON_BAD_MAC);
    for (let i = pt.length - 1 - padLen; i < pt.length - 1; i++) if (pt[i] !== padLen) return fail(REASON_BAD_MAC);

    if (this.#etm) {
      d.seq = etmSeq + 1;
      return { ok: true, contentType: type, plaintext: pt.subarray(0, contentEnd) };
    }
    const content = pt.subarray(0, contentEnd);
    const mac = pt.subarray(contentEnd, contentEnd + macLen);
    const window = resyncWindow(d.failStreak);
    for (let k = 0; k <= window; k++) {
      writeHeader(d.header, d.seq + k, type, this.#version, contentEnd);
      const want = createHmac(s.mac!, d.macKey).update(d.header).update(content).digest();
      if (timingSafeEqual(want, mac)) {
        d.seq += k + 1;
        return { ok: true, contentType: type, plaintext: content };
      }
    }
    return fail(REASON_BAD_MAC);
  }
}

/** AEAD open with node:crypto; null when the tag does not verify. Shared with TLS 1.3. */
export function aeadOpen(
  s: CipherSuiteInfo,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
  tag: Uint8Array,
): Buffer | null {
  try {
    if (s.mode === 'ccm') {
      const dec = createDecipheriv(s.cipher as 'aes-128-ccm', key, nonce, { authTagLength: s.tagLength });
      dec.setAuthTag(tag);
      dec.setAAD(aad, { plaintextLength: ct.length });
      const pt = dec.update(ct);
      dec.final();
      return pt;
    }
    const dec =
      s.mode === 'chacha20'
        ? createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
        : createDecipheriv(s.cipher as 'aes-128-gcm', key, nonce);
    dec.setAAD(aad, { plaintextLength: ct.length });
    dec.setAuthTag(tag);
    const pt = dec.update(ct);
    const rest = dec.final();
    return rest.length === 0 ? pt : Buffer.concat([pt, rest]);
  } catch {
    return null;
  }
}
