/**
 * Hello extensions (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 7366, RFC 7627, RFC 5746).
 * Framing of the extension block plus readers for the extension bodies we report.
 * Offsets are into the buffer given (the handshake message body).
 */
import { u16be } from '../../core/bytes.js';
import type { ParseProblem } from './problems.js';

export const ExtensionType = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  signedCertificateTimestamp: 18,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  preSharedKey: 41,
  earlyData: 42,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  certificateAuthorities: 47,
  signatureAlgorithmsCert: 50,
  keyShare: 51,
  encryptedClientHello: 0xfe0d,
  renegotiationInfo: 0xff01,
} as const;

/** One extension: its type and where its data lies in the buffer. */
export interface RawExtension {
  type: number;
  /** Offset of the extension data (after type and length). */
  start: number;
  length: number;
}

/**
 * Splits an extension block `extensions<0..2^16-1>` starting at `o` (the 2-byte length).
 * Never fails: what cannot be framed is reported in `problems` and the extensions read
 * up to that point are returned (as Wireshark does, so a damaged hello stays visible).
 */
export function splitExtensions(b: Uint8Array, o: number, end: number, problems: ParseProblem[]): RawExtension[] {
  const out: RawExtension[] = [];
  if (o + 2 > end) {
    problems.push({ offset: o, message: `${end - o} stray byte(s) where the extension block length belongs` });
    return out;
  }
  const len = u16be(b, o);
  let stop = o + 2 + len;
  if (stop > end) {
    problems.push({ offset: o, message: `extension block length ${len} runs ${stop - end} byte(s) past the message` });
    stop = end;
  }
  let p = o + 2;
  while (p + 4 <= stop) {
    const type = u16be(b, p);
    const l = u16be(b, p + 2);
    if (p + 4 + l > stop) {
      problems.push({ offset: p, message: `extension ${type} length ${l} runs past the extension block` });
      return out;
    }
    out.push({ type, start: p + 4, length: l });
    p += 4 + l;
  }
  if (p !== stop) problems.push({ offset: p, message: `${stop - p} stray byte(s) at the end of the extension block` });
  if (stop < end) problems.push({ offset: stop, message: `${end - stop} byte(s) after the extension block` });
  return out;
}

/** A list of 16-bit values behind a 1- or 2-byte length; null when malformed. */
export function readU16List(b: Uint8Array, o: number, end: number, lengthBytes: 1 | 2): number[] | null {
  if (o + lengthBytes > end) return null;
  const len = lengthBytes === 1 ? b[o]! : u16be(b, o);
  const s = o + lengthBytes;
  if (s + len !== end || len % 2 !== 0) return null;
  const out: number[] = [];
  for (let p = s; p < end; p += 2) out.push(u16be(b, p));
  return out;
}

/** A list of 8-bit values behind a 1-byte length; null when malformed. */
export function readU8List(b: Uint8Array, o: number, end: number): number[] | null {
  if (o >= end) return null;
  const len = b[o]!;
  if (o + 1 + len !== end) return null;
  return Array.from(b.subarray(o + 1, end));
}

function ascii(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
  return out;
}

/** server_name (0): the first host_name entry, '' when the list has none; null when malformed. */
export function readServerName(b: Uint8Array, o: number, end: number): string | null {
  if (o === end) return ''; // a server's empty acknowledgement
  if (o + 2 > end) return null;
  const listEnd = o + 2 + u16be(b, o);
  if (listEnd !== end) return null;
  let p = o + 2;
  let host: string | null = null;
  while (p < listEnd) {
    if (p + 3 > listEnd) return null;
    const nameType = b[p]!;
    const l = u16be(b, p + 1);
    if (p + 3 + l > listEnd) return null;
    if (nameType === 0 && host === null) host = ascii(b, p + 3, p + 3 + l);
    p += 3 + l;
  }
  return host ?? '';
}

/** application_layer_protocol_negotiation (16): protocol names; null when malformed. */
export function readAlpn(b: Uint8Array, o: number, end: number): string[] | null {
  if (o + 2 > end) return null;
  const listEnd = o + 2 + u16be(b, o);
  if (listEnd !== end) return null;
  const out: string[] = [];
  let p = o + 2;
  while (p < listEnd) {
    const l = b[p]!;
    if (l === 0 || p + 1 + l > listEnd) return null;
    out.push(ascii(b, p + 1, p + 1 + l));
    p += 1 + l;
  }
  return out;
}

/** key_share (51) in a ClientHello: the groups of the client's shares; null when malformed. */
export function readClientKeyShareGroups(b: Uint8Array, o: number, end: number): number[] | null {
  if (o + 2 > end) return null;
  const listEnd = o + 2 + u16be(b, o);
  if (listEnd !== end) return null;
  const out: number[] = [];
  let p = o + 2;
  while (p < listEnd) {
    if (p + 4 > listEnd) return null;
    const group = u16be(b, p);
    const l = u16be(b, p + 2);
    if (p + 4 + l > listEnd) return null;
    out.push(group);
    p += 4 + l;
  }
  return out;
}

/**
 * key_share (51) in a ServerHello (group, length, key) or HelloRetryRequest (selected_group only).
 * Returns the group, or null when malformed.
 */
export function readServerKeyShareGroup(b: Uint8Array, o: number, end: number, helloRetryRequest: boolean): number | null {
  if (helloRetryRequest) return end - o === 2 ? u16be(b, o) : null;
  if (o + 4 > end) return null;
  if (o + 4 + u16be(b, o + 2) !== end) return null;
  return u16be(b, o);
}

/** renegotiation_info (0xff01): renegotiated_connection<0..255>; the length, or null when malformed. */
export function readRenegotiationInfo(b: Uint8Array, o: number, end: number): number | null {
  if (o >= end) return null;
  return o + 1 + b[o]! === end ? b[o]! : null;
}
