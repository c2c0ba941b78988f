/**
 * Picks the secrets of a session (by client random) and the suite parameters, and builds the
 * record decryptor for its version; or says why there is none. Reasons never carry secret
 * bytes (the client random is public: a prefix of it is shown to tell sessions apart).
 */
import { toHex } from '../../../core/bytes.js';
import { cipherSuiteInfo, unsupportedSuiteReason } from './suites.js';
import { expandKeyBlock, Tls12Decryptor } from './tls12.js';
import { Tls13Decryptor } from './tls13.js';
import type { DecryptorFactory, DecryptorResult, SecretLookup, TlsSessionParams } from './types.js';

const hex4 = (n: number): string => '0x' + (n & 0xffff).toString(16).padStart(4, '0');

/** Why a session cannot be decrypted, independently of secrets (null when it can be). */
export function sessionUnsupportedReason(params: TlsSessionParams): string | null {
  const v = params.version;
  if (v < 0x0301 || v > 0x0304) return `TLS version ${hex4(v)}: not supported`;
  const suite = cipherSuiteInfo(params.cipherSuite);
  if (suite === undefined) return unsupportedSuiteReason(params.cipherSuite);
  if (suite.tls13 !== (v === 0x0304)) {
    return `cipher suite ${hex4(suite.id)} is ${suite.tls13 ? 'a TLS 1.3 suite' : 'not a TLS 1.3 suite'} but the version is ${hex4(v)}`;
  }
  if (v < suite.minVersion) return `cipher suite ${hex4(suite.id)} needs TLS 1.2 but the version is ${hex4(v)}`;
  if (params.clientRandom.length !== 32 || params.serverRandom.length !== 32) return 'client or server random is not 32 bytes';
  return null;
}

export function createDecryptorFactory(store: SecretLookup): DecryptorFactory {
  return {
    create(params: TlsSessionParams, atFrame: number): DecryptorResult {
      const unsupported = sessionUnsupportedReason(params);
      if (unsupported !== null) return { ok: false, reason: unsupported };
      const suite = cipherSuiteInfo(params.cipherSuite)!;
      const secrets = store.find(params.clientRandom, atFrame);
      if (secrets === undefined) return { ok: false, reason: `no secret for client random ${toHex(params.clientRandom, 0, 4)}…` };

      if (params.version === 0x0304) {
        const hashLen = suite.prfHash === 'sha384' ? 48 : 32;
        const { clientHandshakeTrafficSecret: ch, serverHandshakeTrafficSecret: sh, clientTrafficSecret0: c0, serverTrafficSecret0: s0 } = secrets;
        if (ch === undefined && sh === undefined && c0 === undefined && s0 === undefined) {
          return { ok: false, reason: 'TLS 1.3 session but the key log has no traffic secrets for its client random (only a TLS 1.2 master secret?)' };
        }
        for (const s of [ch, sh, c0, s0]) {
          if (s !== undefined && s.length !== hashLen) {
            return { ok: false, reason: `traffic secret is ${s.length} bytes but cipher suite ${hex4(suite.id)} uses ${suite.prfHash.toUpperCase()} (${hashLen} bytes)` };
          }
        }
        const decryptor = new Tls13Decryptor(suite, {
          ...(ch ? { clientHandshakeTrafficSecret: ch } : {}),
          ...(sh ? { serverHandshakeTrafficSecret: sh } : {}),
          ...(c0 ? { clientTrafficSecret0: c0 } : {}),
          ...(s0 ? { serverTrafficSecret0: s0 } : {}),
        });
        return { ok: true, decryptor, origin: secrets.origin };
      }

      if (secrets.masterSecret === undefined) {
        return { ok: false, reason: `TLS ${params.version === 0x0303 ? '1.2' : params.version === 0x0302 ? '1.1' : '1.0'} session but the key log has no CLIENT_RANDOM master secret for it` };
      }
      if (secrets.masterSecret.length !== 48) return { ok: false, reason: 'master secret is not 48 bytes' };
      const keys = expandKeyBlock(suite, params.version, secrets.masterSecret, params.clientRandom, params.serverRandom);
      const decryptor = new Tls12Decryptor(suite, params.version, keys, params.encryptThenMac);
      return { ok: true, decryptor, origin: secrets.origin };
    },
  };
}
