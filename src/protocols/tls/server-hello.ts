/**
 * ServerHello (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3) including HelloRetryRequest recognition
 * (a ServerHello whose random is SHA-256("HelloRetryRequest")) and the downgrade sentinels.
 * Cold path. `body` is the handshake message body.
 */
import { u16be } from '../../core/bytes.js';
import {
  ExtensionType,
  readAlpn,
  readRenegotiationInfo,
  readServerKeyShareGroup,
  readServerName,
  readU8List,
  splitExtensions,
} from './extensions.js';
import { fail, success, type ParseProblem, type ParseResult } from './problems.js';

/** SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3. */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** "DOWNGRD" followed by 01 (negotiating 1.2) or 00 (≤ 1.1), in the last 8 bytes of the random. */
const DOWNGRD = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44];

export interface ServerHello {
  legacyVersion: number;
  /** supported_versions value when present, otherwise legacyVersion (RFC 8446 §4.2.1). */
  selectedVersion: number;
  /** 32 bytes, a copy. */
  random: Uint8Array;
  sessionIdLength: number;
  cipherSuite: number;
  compressionMethod: number;
  helloRetryRequest: boolean;
  extensions: number[];
  /** The ALPN protocol the server selected. */
  alpn?: string;
  /** key_share group (the selected_group of a HelloRetryRequest). */
  keyShareGroup?: number;
  encryptThenMac: boolean;
  extendedMasterSecret: boolean;
  renegotiationInfo: boolean;
  /** RFC 8446 §4.1.3 sentinel: 'tls12' (…44 4F 57 4E 47 52 44 01) or 'tls11' (…00). */
  downgradeSentinel?: 'tls12' | 'tls11';
}

export function isHelloRetryRequestRandom(b: Uint8Array, o: number): boolean {
  if (o + 32 > b.length) return false;
  for (let i = 0; i < 32; i++) if (b[o + i] !== HELLO_RETRY_REQUEST_RANDOM[i]) return false;
  return true;
}

export function parseServerHello(body: Uint8Array): ParseResult<ServerHello> {
  const end = body.length;
  if (end < 2 + 32 + 1) return fail(0, `ServerHello too short (${end} bytes)`);
  const legacyVersion = u16be(body, 0);
  const random = body.slice(2, 34);
  const helloRetryRequest = isHelloRetryRequestRandom(body, 2);
  let p = 34;
  let sessionIdLength = 0;
  let cipherSuite: number;
  let compressionMethod = 0;
  if (legacyVersion >> 8 === 0x7f) {
    // TLS 1.3 drafts before -22: version | random | cipher_suite | extensions (no session id, no compression).
    if (p + 2 > end) return fail(p, 'ServerHello (TLS 1.3 draft) truncated before cipher_suite');
    cipherSuite = u16be(body, p);
    p += 2;
  } else {
    sessionIdLength = body[p]!;
    if (sessionIdLength > 32) return fail(p, `ServerHello session_id length ${sessionIdLength} > 32`);
    p += 1 + sessionIdLength;
    if (p + 3 > end) return fail(p, 'ServerHello truncated before cipher_suite/compression_method');
    cipherSuite = u16be(body, p);
    compressionMethod = body[p + 2]!;
    p += 3;
  }

  let downgradeSentinel: ServerHello['downgradeSentinel'];
  let sentinel = true;
  for (let i = 0; i < 7; i++) if (random[24 + i] !== DOWNGRD[i]) sentinel = false;
  if (sentinel && random[31] === 1) downgradeSentinel = 'tls12';
  else if (sentinel && random[31] === 0) downgradeSentinel = 'tls11';

  const problems: ParseProblem[] = [];
  const hello: ServerHello = {
    legacyVersion,
    selectedVersion: legacyVersion,
    random,
    sessionIdLength,
    cipherSuite,
    compressionMethod,
    helloRetryRequest,
    extensions: [],
    encryptThenMac: false,
    extendedMasterSecret: false,
    renegotiationInfo: false,
  };
  if (downgradeSentinel !== undefined) hello.downgradeSentinel = downgradeSentinel;
  if (p === end) return success(hello, problems);
  const exts = splitExtensions(body, p, end, problems);
  for (const x of exts) {
    hello.extensions.push(x.type);
    const s = x.start;
    const e = x.start + x.length;
    const bad = (name: string): void => {
      problems.push({ offset: s, message: `malformed ${name} extension in ServerHello` });
    };
    switch (x.type) {
      case ExtensionType.supportedVersions:
        if (x.length === 2) hello.selectedVersion = u16be(body, s);
        else bad('supported_versions');
        break;
      case ExtensionType.alpn: {
        const v = readAlpn(body, s, e);
        if (v === null || v.length !== 1) bad('ALPN');
        else hello.alpn = v[0]!;
        break;
      }
      case ExtensionType.keyShare: {
        const g = readServerKeyShareGroup(body, s, e, helloRetryRequest);
        if (g === null) bad('key_share');
        else hello.keyShareGroup = g;
        break;
      }
      case ExtensionType.encryptThenMac:
        hello.encryptThenMac = true;
        if (x.length !== 0) bad('encrypt_then_mac');
        break;
      case ExtensionType.extendedMasterSecret:
        hello.extendedMasterSecret = true;
        if (x.length !== 0) bad('extended_master_secret');
        break;
      case ExtensionType.renegotiationInfo:
        hello.renegotiationInfo = true;
        if (readRenegotiationInfo(body, s, e) === null) bad('renegotiation_info');
        break;
      case ExtensionType.serverName:
        if (readServerName(body, s, e) === null) bad('server_name');
        break;
      case ExtensionType.ecPointFormats:
        if (readU8List(body, s, e) === null) bad('ec_point_formats');
        break;
      default:
        break;
    }
  }
  return success(hello, problems);
}

/** TLS 1.3 final or draft versions (0x7fXX drafts, 0x0304 final). */
export function isTls13Version(v: number): boolean {
  return v === 0x0304 || (v >> 8) === 0x7f || v === 0xfb1a || v === 0xfb17;
}
