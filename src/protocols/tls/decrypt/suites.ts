/**
 * Cipher suites this module can decrypt, with the parameters the key schedule and the
 * record protection need (RFC 5246 §6.3 and Appendix C, RFC 5288/5289, RFC 6655, RFC 7905,
 * RFC 8446 §B.4). Everything is expressed as node:crypto algorithm names.
 *
 * Suites known but not decryptable with node:crypto (RC4, DES, SEED, IDEA need OpenSSL's
 * legacy provider; export suites use another key derivation; NULL ciphers) carry a reason.
 */

/** How the bulk cipher protects a record. */
export const CipherMode = {
  /** AES-GCM: 4-byte implicit salt + 8-byte explicit nonce in 1.2 (RFC 5288); XOR nonce in 1.3. */
  gcm: 'gcm',
  /** AES-CCM (RFC 6655 in 1.2, like GCM; XOR nonce in 1.3). */
  ccm: 'ccm',
  /** ChaCha20-Poly1305: XOR nonce, no explicit part (RFC 7905, RFC 8446). */
  chacha20: 'chacha20',
  /** CBC block cipher with HMAC (MAC-then-encrypt, or encrypt-then-MAC per RFC 7366). */
  cbc: 'cbc',
} as const;
export type CipherMode = (typeof CipherMode)[keyof typeof CipherMode];

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384';

export interface CipherSuiteInfo {
  readonly id: number;
  /** IANA name. */
  readonly name: string;
  /** node:crypto cipher name (createDecipheriv). */
  readonly cipher: string;
  readonly mode: CipherMode;
  /** Encryption key length in bytes. */
  readonly keyLength: number;
  /**
   * AEAD: length of the implicit IV taken from the key block / traffic secret (4 for GCM/CCM
   * in 1.2, 12 otherwise). CBC: the block size (explicit IV in 1.1+, key-block IV in 1.0).
   */
  readonly ivLength: number;
  /** CBC block size (16 AES/Camellia, 8 3DES); 0 for AEAD. */
  readonly blockSize: number;
  /** AEAD tag length (16, or 8 for CCM_8); 0 for CBC. */
  readonly tagLength: number;
  /** HMAC hash for CBC suites; null for AEAD. */
  readonly mac: HashName | null;
  readonly macLength: number;
  /** PRF hash for TLS 1.2 (SHA-256 unless the suite says SHA-384); HKDF hash for TLS 1.3. */
  readonly prfHash: 'sha256' | 'sha384';
  /** 0x0304 for TLS 1.3 suites; 0x0303 for suites that need TLS 1.2 (AEAD, SHA-2 MAC); 0x0301 otherwise. */
  readonly minVersion: number;
  readonly tls13: boolean;
}

const HASH_LEN: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

type BulkSpec = readonly [cipher: string, mode: CipherMode, keyLength: number, blockSize: number, tagLength: number];
const AES128_GCM: BulkSpec = ['aes-128-gcm', 'gcm', 16, 0, 16];
const AES256_GCM: BulkSpec = ['aes-256-gcm', 'gcm', 32, 0, 16];
const AES128_CCM: BulkSpec = ['aes-128-ccm', 'ccm', 16, 0, 16];
const AES256_CCM: BulkSpec = ['aes-256-ccm', 'ccm', 32, 0, 16];
const AES128_CCM8: BulkSpec = ['aes-128-ccm', 'ccm', 16, 0, 8];
const AES256_CCM8: BulkSpec = ['aes-256-ccm', 'ccm', 32, 0, 8];
const CHACHA: BulkSpec = ['chacha20-poly1305', 'chacha20', 32, 0, 16];
const AES128_CBC: BulkSpec = ['aes-128-cbc', 'cbc', 16, 16, 0];
const AES256_CBC: BulkSpec = ['aes-256-cbc', 'cbc', 32, 16, 0];
const CAM128_CBC: BulkSpec = ['camellia-128-cbc', 'cbc', 16, 16, 0];
const CAM256_CBC: BulkSpec = ['camellia-256-cbc', 'cbc', 32, 16, 0];
const DES3_CBC: BulkSpec = ['des-ede3-cbc', 'cbc', 24, 8, 0];

function suite(
  id: number,
  name: string,
  bulk: BulkSpec,
  mac: HashName | null,
  prfHash: 'sha256' | 'sha384',
  tls13 = false,
): CipherSuiteInfo {
  const [cipher, mode, keyLength, blockSize, tagLength] = bulk;
  const aead = mode !== 'cbc';
  const ivLength = tls13 || mode === 'chacha20' ? 12 : aead ? 4 : blockSize;
  const minVersion = tls13 ? 0x0304 : aead || (mac !== null && mac !== 'sha1') ? 0x0303 : 0x0301;
  return {
    id, name, cipher, mode, keyLength, ivLength, blockSize, tagLength,
    mac, macLength: mac === null ? 0 : HASH_LEN[mac], prfHash, minVersion, tls13,
  };
}

const LIST: readonly CipherSuiteInfo[] = [
  // TLS 1.3 (RFC 8446 §B.4)
  suite(0x1301, 'TLS_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256', true),
  suite(0x1302, 'TLS_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384', true),
  suite(0x1303, 'TLS_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256', true),
  suite(0x1304, 'TLS_AES_128_CCM_SHA256', AES128_CCM, null, 'sha256', true),
  suite(0x1305, 'TLS_AES_128_CCM_8_SHA256', AES128_CCM8, null, 'sha256', true),
  // AES-GCM (RFC 5288, RFC 5289, RFC 5487)
  suite(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00a0, 'TLS_DH_RSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00a1, 'TLS_DH_RSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00a2, 'TLS_DHE_DSS_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00a3, 'TLS_DHE_DSS_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00a4, 'TLS_DH_DSS_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00a5, 'TLS_DH_DSS_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00a6, 'TLS_DH_anon_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00a7, 'TLS_DH_anon_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00aa, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00ab, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0x00ac, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0x00ad, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0xc02d, 'TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0xc02e, 'TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  suite(0xc031, 'TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256', AES128_GCM, null, 'sha256'),
  suite(0xc032, 'TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384', AES256_GCM, null, 'sha384'),
  // AES-CCM (RFC 6655, RFC 7251)
  suite(0xc09c, 'TLS_RSA_WITH_AES_128_CCM', AES128_CCM, null, 'sha256'),
  suite(0xc09d, 'TLS_RSA_WITH_AES_256_CCM', AES256_CCM, null, 'sha256'),
  suite(0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM', AES128_CCM, null, 'sha256'),
  suite(0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM', AES256_CCM, null, 'sha256'),
  suite(0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8', AES128_CCM8, null, 'sha256'),
  suite(0xc0a1, 'TLS_RSA_WITH_AES_256_CCM_8', AES256_CCM8, null, 'sha256'),
  suite(0xc0a2, 'TLS_DHE_RSA_WITH_AES_128_CCM_8', AES128_CCM8, null, 'sha256'),
  suite(0xc0a3, 'TLS_DHE_RSA_WITH_AES_256_CCM_8', AES256_CCM8, null, 'sha256'),
  suite(0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', AES128_CCM, null, 'sha256'),
  suite(0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM', AES256_CCM, null, 'sha256'),
  suite(0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', AES128_CCM8, null, 'sha256'),
  suite(0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8', AES256_CCM8, null, 'sha256'),
  // ChaCha20-Poly1305 (RFC 7905)
  suite(0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  suite(0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  suite(0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  suite(0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  suite(0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  suite(0xccad, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  suite(0xccae, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256', CHACHA, null, 'sha256'),
  // AES-CBC with HMAC-SHA1 (RFC 5246, RFC 4492)
  suite(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x0030, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x0031, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0x0036, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0x0037, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0xc004, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0xc005, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0xc00e, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0xc00f, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  suite(0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA', AES128_CBC, 'sha1', 'sha256'),
  suite(0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA', AES256_CBC, 'sha1', 'sha256'),
  // AES-CBC with HMAC-SHA256/SHA384 (TLS 1.2 only)
  suite(0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', AES256_CBC, 'sha256', 'sha256'),
  suite(0x003e, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0x003f, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0x0040, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0x0068, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA256', AES256_CBC, 'sha256', 'sha256'),
  suite(0x0069, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA256', AES256_CBC, 'sha256', 'sha256'),
  suite(0x006a, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256', AES256_CBC, 'sha256', 'sha256'),
  suite(0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', AES256_CBC, 'sha256', 'sha256'),
  suite(0x00ae, 'TLS_PSK_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0x00af, 'TLS_PSK_WITH_AES_256_CBC_SHA384', AES256_CBC, 'sha384', 'sha384'),
  suite(0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', AES256_CBC, 'sha384', 'sha384'),
  suite(0xc025, 'TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0xc026, 'TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384', AES256_CBC, 'sha384', 'sha384'),
  suite(0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', AES256_CBC, 'sha384', 'sha384'),
  suite(0xc029, 'TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0xc02a, 'TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384', AES256_CBC, 'sha384', 'sha384'),
  suite(0xc037, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256', AES128_CBC, 'sha256', 'sha256'),
  suite(0xc038, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384', AES256_CBC, 'sha384', 'sha384'),
  // Camellia-CBC (RFC 5932)
  suite(0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA', CAM128_CBC, 'sha1', 'sha256'),
  suite(0x0042, 'TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA', CAM128_CBC, 'sha1', 'sha256'),
  suite(0x0043, 'TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA', CAM128_CBC, 'sha1', 'sha256'),
  suite(0x0044, 'TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA', CAM128_CBC, 'sha1', 'sha256'),
  suite(0x0045, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA', CAM128_CBC, 'sha1', 'sha256'),
  suite(0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA', CAM256_CBC, 'sha1', 'sha256'),
  suite(0x0085, 'TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA', CAM256_CBC, 'sha1', 'sha256'),
  suite(0x0086, 'TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA', CAM256_CBC, 'sha1', 'sha256'),
  suite(0x0087, 'TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA', CAM256_CBC, 'sha1', 'sha256'),
  suite(0x0088, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA', CAM256_CBC, 'sha1', 'sha256'),
  suite(0x00ba, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256', CAM128_CBC, 'sha256', 'sha256'),
  suite(0x00be, 'TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', CAM128_CBC, 'sha256', 'sha256'),
  suite(0x00c0, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256', CAM256_CBC, 'sha256', 'sha256'),
  suite(0x00c4, 'TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256', CAM256_CBC, 'sha256', 'sha256'),
  suite(0xc072, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256', CAM128_CBC, 'sha256', 'sha256'),
  suite(0xc073, 'TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384', CAM256_CBC, 'sha384', 'sha384'),
  suite(0xc076, 'TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256', CAM128_CBC, 'sha256', 'sha256'),
  suite(0xc077, 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384', CAM256_CBC, 'sha384', 'sha384'),
  // 3DES-EDE-CBC with HMAC-SHA1
  suite(0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0x000d, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0x0010, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0x0013, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0xc003, 'TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0xc00d, 'TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
  suite(0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', DES3_CBC, 'sha1', 'sha256'),
];

const BY_ID: ReadonlyMap<number, CipherSuiteInfo> = new Map(LIST.map((s) => [s.id, s]));

/** Every suite this module decrypts. */
export const SUPPORTED_CIPHER_SUITES: readonly CipherSuiteInfo[] = LIST;

export function cipherSuiteInfo(id: number): CipherSuiteInfo | undefined {
  return BY_ID.get(id);
}

/** Known suites that cannot be decrypted here, with why (kept short; no secrets involved). */
const KNOWN_UNSUPPORTED: ReadonlyMap<number, string> = new Map<number, string>([
  ...[0x0001, 0x0002, 0x003b, 0xc001, 0xc006, 0xc00b, 0xc010, 0xc015, 0x002c, 0x002d, 0x002e, 0x00b0, 0x00b1].map(
    (id) => [id, 'NULL cipher'] as [number, string],
  ),
  ...[0x0004, 0x0005, 0x0018, 0x0020, 0x0024, 0x008a, 0x008e, 0x0092, 0xc002, 0xc007, 0xc00c, 0xc011, 0xc016, 0xc033].map(
    (id) => [id, 'RC4 is not available in node:crypto'] as [number, string],
  ),
  ...[0x0009, 0x000c, 0x000f, 0x0012, 0x0015, 0x001a, 0x001e, 0x0022].map(
    (id) => [id, 'single DES is not available in node:crypto'] as [number, string],
  ),
  ...[0x0096, 0x0097, 0x0098, 0x0099, 0x009a, 0x009b].map(
    (id) => [id, 'SEED is not available in node:crypto'] as [number, string],
  ),
  ...[0x0007, 0x0021, 0x0025].map((id) => [id, 'IDEA is not available in node:crypto'] as [number, string]),
  ...[0x0003, 0x0006, 0x0008, 0x000b, 0x000e, 0x0011, 0x0014, 0x0017, 0x0019, 0x0026, 0x0027, 0x0028, 0x0029, 0x002a, 0x002b].map(
    (id) => [id, 'export cipher suite'] as [number, string],
  ),
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV is not a real cipher suite'],
  [0x5600, 'TLS_FALLBACK_SCSV is not a real cipher suite'],
]);

/** `cipher suite 0x…: not supported (why)`, or null when the suite is supported. */
export function unsupportedSuiteReason(id: number): string | null {
  if (BY_ID.has(id)) return null;
  const hex = '0x' + (id & 0xffff).toString(16).padStart(4, '0');
  const why = KNOWN_UNSUPPORTED.get(id);
  return why === undefined ? `cipher suite ${hex}: not supported` : `cipher suite ${hex}: not supported (${why})`;
}
