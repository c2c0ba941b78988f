/**
 * RDP security layer: Basic Security Header flags, Security Exchange PDU, Client Info PDU
 * (TS_INFO_PACKET). MS-RDPBCGR 2.2.8.1.1.2.1, 2.2.1.10, 2.2.1.11; FreeRDP info.c.
 * The Client Info PDU is readable only when it is not encrypted (inside TLS, or Standard RDP
 * Security at encryption level NONE). The password is never kept, only its length.
 */
import { latin1, u16le, u32le, utf16le } from '../../core/bytes.js';
import { parseError, type ParseError } from './parse-error.js';

/** Basic Security Header `flags`. */
export const SEC = {
  EXCHANGE_PKT: 0x0001,
  TRANSPORT_REQ: 0x0002,
  TRANSPORT_RSP: 0x0004,
  ENCRYPT: 0x0008,
  RESET_SEQNO: 0x0010,
  IGNORE_SEQNO: 0x0020,
  INFO_PKT: 0x0040,
  LICENSE_PKT: 0x0080,
  LICENSE_ENCRYPT: 0x0200,
  REDIRECTION_PKT: 0x0400,
  SECURE_CHECKSUM: 0x0800,
  AUTODETECT_REQ: 0x1000,
  AUTODETECT_RSP: 0x2000,
  HEARTBEAT: 0x4000,
  FLAGSHI_VALID: 0x8000,
} as const;

/** Client Info `flags` used in diagnosis. */
export const INFO = {
  MOUSE: 0x00000001,
  DISABLECTRLALTDEL: 0x00000002,
  AUTOLOGON: 0x00000008,
  UNICODE: 0x00000010,
  MAXIMIZESHELL: 0x00000020,
  LOGONNOTIFY: 0x00000040,
  COMPRESSION: 0x00000080,
  ENABLEWINDOWSKEY: 0x00000100,
  REMOTECONSOLEAUDIO: 0x00002000,
  FORCE_ENCRYPTED_CS_PDU: 0x00004000,
  RAIL: 0x00008000,
  LOGONERRORS: 0x00010000,
  MOUSE_HAS_WHEEL: 0x00020000,
  PASSWORD_IS_SC_PIN: 0x00040000,
  NOAUDIOPLAYBACK: 0x00080000,
  USING_SAVED_CREDS: 0x00100000,
  AUDIOCAPTURE: 0x00200000,
  VIDEO_DISABLE: 0x00400000,
  HIDEF_RAIL_SUPPORTED: 0x02000000,
} as const;

export const BASIC_SECURITY_HEADER_LENGTH = 4;
/** Non-FIPS encrypted PDUs carry an 8-byte MAC after the basic header. */
export const SIGNATURE_LENGTH = 8;

/** Flags of the Basic Security Header at `off` (flagsHi ignored), or -1 when short. */
export function securityFlags(b: Uint8Array, off: number, end: number): number {
  return end - off < BASIC_SECURITY_HEADER_LENGTH ? -1 : u16le(b, off);
}

/** Security Exchange PDU body after the basic header: the declared length of the encrypted client random. */
export function parseSecurityExchange(b: Uint8Array, off: number, end: number): number | ParseError {
  if (end - off < 4) return parseError('Security Exchange PDU truncated', off);
  const len = u32le(b, off);
  if (off + 4 + len > end) return parseError(`Security Exchange length ${len} exceeds the PDU`, off);
  return len;
}

export interface ClientInfo {
  codePage: number;
  flags: number;
  unicode: boolean;
  domain: string;
  userName: string;
  passwordLength: number;
  alternateShell: string;
  workingDir: string;
  clientAddressFamily?: number;
  clientAddress?: string;
  clientDir?: string;
  clientSessionId?: number;
  performanceFlags?: number;
  autoReconnectCookieLength?: number;
  truncated: boolean;
}

/** TS_TIME_ZONE_INFORMATION size. */
const TIME_ZONE_LENGTH = 172;

/**
 * TS_INFO_PACKET at `off` (after the security header) up to `end`. Returns a ParseError only
 * when the 18-byte fixed part is missing; strings past the end make `truncated` true.
 */
export function parseClientInfo(b: Uint8Array, off: number, end: number): ClientInfo | ParseError {
  if (end - off < 18) return parseError('Client Info PDU fixed part truncated', off);
  const flags = u32le(b, off + 4);
  const unicode = (flags & INFO.UNICODE) !== 0;
  const nul = unicode ? 2 : 1;
  const cbDomain = u16le(b, off + 8);
  const cbUserName = u16le(b, off + 10);
  const cbPassword = u16le(b, off + 12);
  const cbAlternateShell = u16le(b, off + 14);
  const cbWorkingDir = u16le(b, off + 16);
  const out: ClientInfo = {
    codePage: u32le(b, off),
    flags,
    unicode,
    domain: '',
    userName: '',
    passwordLength: cbPassword,
    alternateShell: '',
    workingDir: '',
    truncated: false,
  };
  let p = off + 18;
  const text = (cb: number): string | null => {
    if (p + cb + nul > end) {
      out.truncated = true;
      return null;
    }
    const s = unicode ? utf16le(b, p, p + cb) : latin1(b, p, p + cb);
    p += cb + nul;
    return s;
  };
  const domain = text(cbDomain);
  if (domain === null) return out;
  out.domain = domain;
  const userName = text(cbUserName);
  if (userName === null) return out;
  out.userName = userName;
  if (p + cbPassword + nul > end) {
    out.truncated = true;
    return out;
  }
  p += cbPassword + nul; // never read the password
  const shell = text(cbAlternateShell);
  if (shell === null) return out;
  out.alternateShell = shell;
  const wd = text(cbWorkingDir);
  if (wd === null) return out;
  out.workingDir = wd;
  // Extended info (RDP 5.0+), optional: cb* here include the terminator.
  if (end - p < 4) return out;
  out.clientAddressFamily = u16le(b, p);
  const cbAddr = u16le(b, p + 2);
  p += 4;
  if (p + cbAddr > end) {
    out.truncated = true;
    return out;
  }
  out.clientAddress = utf16le(b, p, p + cbAddr);
  p += cbAddr;
  if (end - p < 2) return out;
  const cbDir = u16le(b, p);
  p += 2;
  if (p + cbDir > end) {
    out.truncated = true;
    return out;
  }
  out.clientDir = utf16le(b, p, p + cbDir);
  p += cbDir;
  if (end - p < TIME_ZONE_LENGTH) return out;
  p += TIME_ZONE_LENGTH;
  if (end - p < 4) return out;
  out.clientSessionId = u32le(b, p);
  p += 4;
  if (end - p < 4) return out;
  out.performanceFlags = u32le(b, p);
  p += 4;
  if (end - p < 2) return out;
  out.autoReconnectCookieLength = u16le(b, p);
  return out;
}
