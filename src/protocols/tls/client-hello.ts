/**
 * ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2). Cold path: runs once or twice per connection.
 * `body` is the handshake message body (after the 4-byte handshake header).
 */
import { u16be } from '../../core/bytes.js';
import {
  ExtensionType,
  readAlpn,
  readClientKeyShareGroups,
  readRenegotiationInfo,
  readServerName,
  readU16List,
  readU8List,
  splitExtensions,
} from './extensions.js';
import { fail, success, type ParseProblem, type ParseResult } from './problems.js';

export interface ClientHello {
  legacyVersion: number;
  /** 32 bytes, a copy. */
  random: Uint8Array;
  sessionIdLength: number;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Extension type numbers in wire order. */
  extensions: number[];
  supportedVersions: number[];
  sni?: string;
  alpn: string[];
  signatureAlgorithms: number[];
  groups: number[];
  keyShareGroups: number[];
  encryptThenMac: boolean;
  extendedMasterSecret: boolean;
  /** renegotiation_info extension present (or the 0x00FF SCSV offered). */
  renegotiationInfo: boolean;
}


export function parseClientHello(body: Uint8Array): ParseResult<ClientHello> {
  const end = body.length;
  if (end < 2 + 32 + 1) return fail(0, `ClientHello too short (${end} bytes)`);
  const legacyVersion = u16be(body, 0);
  const random = body.slice(2, 34);
  let p = 34;
  const sessionIdLength = body[p]!;
  if (sessionIdLength > 32) return fail(p, `ClientHello session_id length ${sessionIdLength} > 32`);
  p += 1 + sessionIdLength;
  if (p + 2 > end) return fail(p, 'ClientHello truncated before cipher_suites');
  const csLen = u16be(body, p);
  if (csLen % 2 !== 0) return fail(p, `ClientHello cipher_suites length ${csLen} is odd`);
  if (p + 2 + csLen > end) return fail(p, 'ClientHello cipher_suites run past the message');
  const cipherSuites: number[] = [];
  for (let i = p + 2; i < p + 2 + csLen; i += 2) cipherSuites.push(u16be(body, i));
  p += 2 + csLen;
  if (p + 1 > end) return fail(p, 'ClientHello truncated before compression_methods');
  const cmLen = body[p]!;
  if (p + 1 + cmLen > end) return fail(p, `ClientHello compression_methods length ${cmLen} runs past the message`);
  const cmOffset = p;
  const compressionMethods = Array.from(body.subarray(p + 1, p + 1 + cmLen));
  p += 1 + cmLen;

  const problems: ParseProblem[] = [];
  if (csLen === 0) problems.push({ offset: 35 + sessionIdLength, message: 'ClientHello offers no cipher suite' });
  if (compressionMethods.length === 0) problems.push({ offset: cmOffset, message: 'ClientHello offers no compression method (null is mandatory)' });
  const hello: ClientHello = {
    legacyVersion,
    random,
    sessionIdLength,
    cipherSuites,
    compressionMethods,
    extensions: [],
    supportedVersions: [],
    alpn: [],
    signatureAlgorithms: [],
    groups: [],
    keyShareGroups: [],
    encryptThenMac: false,
    extendedMasterSecret: false,
    renegotiationInfo: cipherSuites.includes(0x00ff),
  };
  if (p === end) return success(hello, problems); // no extensions (SSL 3.0 / old TLS)
  const exts = splitExtensions(body, p, end, problems);
  for (const x of exts) {
    hello.extensions.push(x.type);
    const s = x.start;
    const e = x.start + x.length;
    const bad = (name: string): void => {
      problems.push({ offset: s, message: `malformed ${name} extension in ClientHello` });
    };
    switch (x.type) {
      case ExtensionType.serverName: {
        const v = readServerName(body, s, e);
        if (v === null) bad('server_name');
        else if (v !== '') hello.sni = v;
        break;
      }
      case ExtensionType.alpn: {
        const v = readAlpn(body, s, e);
        if (v === null) bad('ALPN');
        else hello.alpn = v;
        break;
      }
      case ExtensionType.supportedVersions: {
        const v = readU16List(body, s, e, 1);
        if (v === null) bad('supported_versions');
        else hello.supportedVersions = v;
        break;
      }
      case ExtensionType.signatureAlgorithms: {
        const v = readU16List(body, s, e, 2);
        if (v === null) bad('signature_algorithms');
        else hello.signatureAlgorithms = v;
        break;
      }
      case ExtensionType.supportedGroups: {
        const v = readU16List(body, s, e, 2);
        if (v === null) bad('supported_groups');
        else hello.groups = v;
        break;
      }
      case ExtensionType.keyShare: {
        const v = readClientKeyShareGroups(body, s, e);
        if (v === null) bad('key_share');
        else hello.keyShareGroups = v;
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
      case ExtensionType.ecPointFormats:
        if (readU8List(body, s, e) === null) bad('ec_point_formats');
        break;
      default:
        break;
    }
  }
  return success(hello, problems);
}
