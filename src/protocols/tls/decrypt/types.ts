/**
 * The contract between the TLS decoder (record layer, handshake parsing) and TLS
 * decryption (key log secrets, key schedule, ciphers). The decoder learns the session
 * parameters from ClientHello/ServerHello and asks for a RecordDecryptor; decryption
 * never parses TLS framing itself.
 */
import type { Dir } from '../../stream.js';

/** Secrets of one TLS session, found by client random in an NSS key log. Never printed. */
export interface SessionSecrets {
  /** TLS <= 1.2: CLIENT_RANDOM line (48-byte master secret). */
  masterSecret?: Uint8Array;
  /** TLS 1.3 */
  clientHandshakeTrafficSecret?: Uint8Array;
  serverHandshakeTrafficSecret?: Uint8Array;
  clientTrafficSecret0?: Uint8Array;
  serverTrafficSecret0?: Uint8Array;
  exporterSecret?: Uint8Array;
  /** Where the secret came from, e.g. "keylog:file.txt" or "pcapng-dsb:frame 1" (no secret bytes). */
  origin: string;
}

export interface SecretLookup {
  /** Secrets for a client random (32 bytes), or undefined. `atFrame` lets DSB secrets apply from where they appear. */
  find(clientRandom: Uint8Array, atFrame: number): SessionSecrets | undefined;
}

export interface TlsSessionParams {
  /** Negotiated version: 0x0301..0x0304 (from supported_versions for 1.3). */
  version: number;
  cipherSuite: number;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  /** RFC 7366 encrypt_then_mac negotiated (both hellos carried extension 22). */
  encryptThenMac: boolean;
  /** RFC 7627 extended master secret negotiated (extension 23) — affects nothing when the master secret is logged. */
  extendedMasterSecret: boolean;
  /** The server sent a HelloRetryRequest (1.3) — the params are of the final ServerHello. */
  helloRetryRequest: boolean;
}

export type DecryptResult =
  | { ok: true; contentType: number; plaintext: Uint8Array }
  | { ok: false; reason: string };

export interface RecordDecryptor {
  /**
   * Decrypt one record of direction `dir` (0 client→server, 1 server→client).
   * `contentType` is the outer record type (20 CCS, 21 alert, 22 handshake, 23 app data);
   * `body` is the record fragment (after the 5-byte header), a view valid during the call.
   * The returned plaintext is owned by the caller. For TLS 1.3, contentType in the result is
   * the inner content type, and the decryptor itself switches from handshake to application
   * traffic keys after the Finished message of each direction and follows KeyUpdate.
   * For TLS <= 1.2 the decoder calls `changeCipherSpec(dir)` when a CCS record is seen;
   * records before it are plaintext and must not be passed here.
   */
  decrypt(dir: Dir, contentType: number, body: Uint8Array): DecryptResult;
  changeCipherSpec(dir: Dir): void;
}

export type DecryptorResult =
  | { ok: true; decryptor: RecordDecryptor; origin: string }
  | { ok: false; reason: string };

export interface DecryptorFactory {
  /** A decryptor for this session, or the reason there is none ("no secret for client random …", "cipher suite 0x… not supported"). */
  create(params: TlsSessionParams, atFrame: number): DecryptorResult;
}
