/**
 * NTLMSSP messages (MS-NLMP 2.2.1): NEGOTIATE (1), CHALLENGE (2), AUTHENTICATE (3).
 * Layouts: protocol-facts §6.4. Field descriptors are Len(2) | MaxLen(2) | BufferOffset(4),
 * little-endian, offsets from the start of the message. Malformed input gives null; a
 * field descriptor pointing outside the message gives an empty string plus a note in
 * `problems` (the rest of the message is still reported).
 *
 * Sensitive: domainName, userName, workstation, targetName and the AV-pair names are kept
 * raw here; redaction happens at report time. Never log them.
 */
import { bytesEqual, u16le, u32le, u64le } from '../../core/bytes.js';

export const NTLMSSP_SIGNATURE = new Uint8Array([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00]);

export const NtlmMessageType = {
  NEGOTIATE: 1,
  CHALLENGE: 2,
  AUTHENTICATE: 3,
} as const;

/** NegotiateFlags bits used here (MS-NLMP 2.2.2.5). */
export const NtlmFlag = {
  NEGOTIATE_UNICODE: 0x0000_0001,
  NEGOTIATE_OEM: 0x0000_0002,
  REQUEST_TARGET: 0x0000_0004,
  NEGOTIATE_NTLM: 0x0000_0200,
  NEGOTIATE_ANONYMOUS: 0x0000_0800,
  NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x0000_1000,
  NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x0000_2000,
  NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x0008_0000,
  NEGOTIATE_TARGET_INFO: 0x0080_0000,
  NEGOTIATE_VERSION: 0x0200_0000,
  NEGOTIATE_128: 0x2000_0000,
  NEGOTIATE_KEY_EXCH: 0x4000_0000,
  NEGOTIATE_56: 0x8000_0000,
} as const;

/** AV pair ids (MS-NLMP 2.2.2.1). */
export const MsvAv = {
  EOL: 0,
  NbComputerName: 1,
  NbDomainName: 2,
  DnsComputerName: 3,
  DnsDomainName: 4,
  DnsTreeName: 5,
  Flags: 6,
  Timestamp: 7,
  SingleHost: 8,
  TargetName: 9,
  ChannelBindings: 10,
} as const;

/** MsvAvFlags bit: the AUTHENTICATE message carries a MIC. */
export const MSV_AV_FLAG_MIC_PRESENT = 0x0000_0002;

/** The 8-byte VERSION structure (MS-NLMP 2.2.2.10). */
export interface NtlmVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly revision: number;
}

/** Names carried in CHALLENGE TargetInfo or in the NTLMv2 response blob. */
export interface NtlmAvInfo {
  nbComputerName?: string;
  nbDomainName?: string;
  dnsComputerName?: string;
  dnsDomainName?: string;
  dnsTreeName?: string;
  /** MsvAvFlags. */
  flags?: number;
  /** MsvAvTimestamp as epoch seconds (from FILETIME). */
  timestamp?: number;
  /** MsvAvTargetName, e.g. `TERMSRV/host` (the SPN the client meant). */
  targetName?: string;
  hasChannelBindings?: boolean;
}

export interface NtlmNegotiate {
  readonly messageType: 1;
  readonly flags: number;
  readonly domainName?: string;
  readonly workstation?: string;
  readonly version?: NtlmVersion;
  readonly problems: string[];
}

export interface NtlmChallenge {
  readonly messageType: 2;
  readonly flags: number;
  readonly targetName?: string;
  readonly targetInfo?: NtlmAvInfo;
  readonly version?: NtlmVersion;
  readonly problems: string[];
}

export interface NtlmAuthenticate {
  readonly messageType: 3;
  readonly flags: number;
  readonly domainName: string;
  readonly userName: string;
  readonly workstation: string;
  readonly lmResponseLength: number;
  readonly ntResponseLength: number;
  /** 2 when the NT response is an NTLMv2 response (longer than 24 bytes), else 1. */
  readonly ntlmVersion: 1 | 2;
  /** Anonymous authentication: empty user name and empty (or 1-byte LM only) responses. */
  readonly anonymous: boolean;
  readonly hasMic: boolean;
  readonly encryptedRandomSessionKeyLength: number;
  /** AV pairs from the NTLMv2 response blob (e.g. targetName `TERMSRV/host`). */
  readonly v2Info?: NtlmAvInfo;
  readonly version?: NtlmVersion;
  readonly problems: string[];
}

export type NtlmMessage = NtlmNegotiate | NtlmChallenge | NtlmAuthenticate;

/** True when `b[off..]` starts with `NTLMSSP\0`. */
export function isNtlmssp(b: Uint8Array, off = 0): boolean {
  return b.length - off >= 8 && bytesEqual(b.subarray(off, off + 8), NTLMSSP_SIGNATURE);
}

interface FieldRef {
  len: number;
  offset: number;
}

function field(m: Uint8Array, at: number): FieldRef {
  return { len: u16le(m, at), offset: u32le(m, at + 4) };
}

function inBounds(m: Uint8Array, f: FieldRef): boolean {
  return f.offset + f.len <= m.length;
}

function oemText(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function utf16Text(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i + 1 < end; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
  return s;
}

function text(m: Uint8Array, f: FieldRef, unicode: boolean, name: string, problems: string[]): string {
  if (f.len === 0) return '';
  if (!inBounds(m, f)) {
    problems.push(`${name} points outside the message`);
    return '';
  }
  return unicode ? utf16Text(m, f.offset, f.offset + f.len) : oemText(m, f.offset, f.offset + f.len);
}

function version(m: Uint8Array, at: number): NtlmVersion | undefined {
  if (at + 8 > m.length) return undefined;
  return { major: m[at]!, minor: m[at + 1]!, build: u16le(m, at + 2), revision: m[at + 7]! };
}

/** Smallest buffer offset among non-empty payload fields (where the fixed part must end). */
function payloadStart(m: Uint8Array, fields: FieldRef[]): number {
  let min = m.length;
  for (const f of fields) if (f.len > 0 && f.offset < min) min = f.offset;
  return min;
}

const FILETIME_UNIX_EPOCH = 11_644_473_600; // seconds between 1601-01-01 and 1970-01-01

/** Parses AV_PAIR list in `m[start,end)`; null when the list is malformed before MsvAvEOL. */
export function parseAvPairs(m: Uint8Array, start: number, end: number): NtlmAvInfo | null {
  const info: NtlmAvInfo = {};
  let p = start;
  while (p + 4 <= end) {
    const id = u16le(m, p);
    const len = u16le(m, p + 2);
    p += 4;
    if (id === MsvAv.EOL) return info;
    if (p + len > end) return null;
    const s = (): string => utf16Text(m, p, p + len);
    switch (id) {
      case MsvAv.NbComputerName:
        info.nbComputerName = s();
        break;
      case MsvAv.NbDomainName:
        info.nbDomainName = s();
        break;
      case MsvAv.DnsComputerName:
        info.dnsComputerName = s();
        break;
      case MsvAv.DnsDomainName:
        info.dnsDomainName = s();
        break;
      case MsvAv.DnsTreeName:
        info.dnsTreeName = s();
        break;
      case MsvAv.Flags:
        if (len >= 4) info.flags = u32le(m, p);
        break;
      case MsvAv.Timestamp:
        if (len >= 8) info.timestamp = u64le(m, p) / 1e7 - FILETIME_UNIX_EPOCH;
        break;
      case MsvAv.TargetName:
        info.targetName = s();
        break;
      case MsvAv.ChannelBindings:
        info.hasChannelBindings = true;
        break;
      default:
        break;
    }
    p += len;
  }
  // No MsvAvEOL: tolerate (some implementations stop at the end of the buffer).
  return p === end ? info : null;
}

/**
 * Decodes one NTLMSSP message from `m` (a view of exactly the message, or of the message
 * followed by nothing else the caller cares about). Returns null when the signature,
 * type or fixed part is missing/truncated.
 */
export function parseNtlmssp(m: Uint8Array): NtlmMessage | null {
  if (m.length < 12 || !isNtlmssp(m)) return null;
  const type = u32le(m, 8);
  const problems: string[] = [];
  if (type === NtlmMessageType.NEGOTIATE) {
    if (m.length < 16) return null;
    const flags = u32le(m, 12);
    // Windows 95-era NEGOTIATE messages may stop after the flags: domain/workstation optional.
    // The message has no length of its own: a cut is visible only through what the flags promise.
    if (flags & NtlmFlag.NEGOTIATE_VERSION && m.length < 40) problems.push('message truncated before Version');
    if (m.length < 32) {
      if (flags & (NtlmFlag.NEGOTIATE_OEM_DOMAIN_SUPPLIED | NtlmFlag.NEGOTIATE_OEM_WORKSTATION_SUPPLIED))
        problems.push('message truncated before DomainNameFields');
      return { messageType: 1, flags, problems };
    }
    const dom = field(m, 16);
    const ws = field(m, 24);
    const pStart = payloadStart(m, [dom, ws]);
    const ver = flags & NtlmFlag.NEGOTIATE_VERSION && pStart >= 40 ? version(m, 32) : undefined;
    const out: { -readonly [K in keyof NtlmNegotiate]: NtlmNegotiate[K] } = { messageType: 1, flags, problems };
    // Supplied names are always OEM in NEGOTIATE (MS-NLMP 2.2.1.1).
    if (dom.len) out.domainName = text(m, dom, false, 'DomainName', problems);
    if (ws.len) out.workstation = text(m, ws, false, 'Workstation', problems);
    if (ver) out.version = ver;
    return out;
  }
  if (type === NtlmMessageType.CHALLENGE) {
    if (m.length < 32) return null;
    const tn = field(m, 12);
    const flags = u32le(m, 20);
    const out: { -readonly [K in keyof NtlmChallenge]: NtlmChallenge[K] } = { messageType: 2, flags, problems };
    const unicode = (flags & NtlmFlag.NEGOTIATE_UNICODE) !== 0;
    if (flags & NtlmFlag.NEGOTIATE_TARGET_INFO && m.length < 48) problems.push('message truncated before TargetInfoFields');
    if (flags & NtlmFlag.NEGOTIATE_VERSION && m.length < 56) problems.push('message truncated before Version');
    if (tn.len) out.targetName = text(m, tn, unicode, 'TargetName', problems);
    if (m.length >= 48) {
      const ti = field(m, 40);
      if (ti.len) {
        if (!inBounds(m, ti)) problems.push('TargetInfo points outside the message');
        else {
          const info = parseAvPairs(m, ti.offset, ti.offset + ti.len);
          if (info) out.targetInfo = info;
          else problems.push('TargetInfo AV pairs malformed');
        }
      }
      const pStart = payloadStart(m, [tn, ti]);
      if (flags & NtlmFlag.NEGOTIATE_VERSION && pStart >= 56) {
        const v = version(m, 48);
        if (v) out.version = v;
      }
    }
    return out;
  }
  if (type === NtlmMessageType.AUTHENTICATE) {
    if (m.length < 64) return null;
    const lm = field(m, 12);
    const nt = field(m, 20);
    const dom = field(m, 28);
    const user = field(m, 36);
    const ws = field(m, 44);
    const key = field(m, 52);
    const flags = u32le(m, 60);
    const unicode = (flags & NtlmFlag.NEGOTIATE_UNICODE) !== 0;
    const pStart = payloadStart(m, [lm, nt, dom, user, ws, key]);
    if (flags & NtlmFlag.NEGOTIATE_VERSION && m.length < 72) problems.push('message truncated before Version');
    if (!inBounds(m, lm)) problems.push('LmChallengeResponse points outside the message');
    if (!inBounds(m, key)) problems.push('EncryptedRandomSessionKey points outside the message');
    const domainName = text(m, dom, unicode, 'DomainName', problems);
    const userName = text(m, user, unicode, 'UserName', problems);
    const workstation = text(m, ws, unicode, 'Workstation', problems);
    const ntlmVersion: 1 | 2 = nt.len > 24 ? 2 : 1;
    let v2Info: NtlmAvInfo | undefined;
    if (ntlmVersion === 2) {
      // NTLMv2_RESPONSE: NTProofStr (16) | RespType (1) | HiRespType (1) | Reserved (6) |
      // TimeStamp (8) | ChallengeFromClient (8) | Reserved (4) | AV pairs …
      if (!inBounds(m, nt)) problems.push('NtChallengeResponse points outside the message');
      else if (nt.len >= 44) {
        const info = parseAvPairs(m, nt.offset + 44, nt.offset + nt.len);
        if (info) v2Info = info;
        else problems.push('NTLMv2 response AV pairs malformed');
      }
    }
    // MIC: 16 bytes at offset 72, present when the fixed part extends that far (payload
    // starts at 88 or later) and, for NTLMv2, MsvAvFlags says so (MS-NLMP 3.1.5.1.2).
    const roomForMic = pStart >= 88;
    const hasMic = roomForMic && (v2Info?.flags !== undefined ? (v2Info.flags & MSV_AV_FLAG_MIC_PRESENT) !== 0 : false);
    const ver = flags & NtlmFlag.NEGOTIATE_VERSION && pStart >= 72 ? version(m, 64) : undefined;
    const out: { -readonly [K in keyof NtlmAuthenticate]: NtlmAuthenticate[K] } = {
      messageType: 3,
      flags,
      domainName,
      userName,
      workstation,
      lmResponseLength: lm.len,
      ntResponseLength: nt.len,
      ntlmVersion,
      anonymous: userName === '' && nt.len === 0 && lm.len <= 1,
      hasMic,
      encryptedRandomSessionKeyLength: key.len,
      problems,
    };
    if (v2Info) out.v2Info = v2Info;
    if (ver) out.version = ver;
    return out;
  }
  return null;
}
