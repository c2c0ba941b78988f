/**
 * X.224 class 0 TPDUs as used by RDP (inside TPKT): Connection Request with the cookie /
 * routing token and RDP_NEG_REQ (+ RDP_NEG_CORRELATION_INFO), Connection Confirm with
 * RDP_NEG_RSP / RDP_NEG_FAILURE (or none), Disconnect Request, Data.
 * MS-RDPBCGR 2.2.1.1 / 2.2.1.2; FreeRDP tpdu.c, nego.c. All offsets are from the TPDU start
 * (the LI byte, right after the TPKT header).
 */
import { toHex, u16le, u32le } from '../../core/bytes.js';
import { parseError, type ParseError } from './parse-error.js';

/** TPDU code (high nibble of the second byte). */
export const X224_TPDU = {
  CONNECTION_REQUEST: 0xe0,
  CONNECTION_CONFIRM: 0xd0,
  DISCONNECT_REQUEST: 0x80,
  DATA: 0xf0,
  ERROR: 0x70,
} as const;

/** RDP_NEG_* structure types. */
export const RDP_NEG_TYPE = {
  REQ: 0x01,
  RSP: 0x02,
  FAILURE: 0x03,
  CORRELATION_INFO: 0x06,
} as const;

/** requestedProtocols / selectedProtocol bits. */
export const PROTOCOL = {
  RDP: 0x00000000,
  SSL: 0x00000001,
  HYBRID: 0x00000002,
  RDSTLS: 0x00000004,
  HYBRID_EX: 0x00000008,
  RDSAAD: 0x00000010,
} as const;

/** RDP_NEG_REQ flags. */
export const NEG_REQ_FLAGS = {
  RESTRICTED_ADMIN_MODE_REQUIRED: 0x01,
  REDIRECTED_AUTHENTICATION_MODE_REQUIRED: 0x02,
  CORRELATION_INFO_PRESENT: 0x08,
} as const;

/** RDP_NEG_RSP flags. */
export const NEG_RSP_FLAGS = {
  EXTENDED_CLIENT_DATA_SUPPORTED: 0x01,
  DYNVC_GFX_PROTOCOL_SUPPORTED: 0x02,
  NEGRSP_FLAG_RESERVED: 0x04,
  RESTRICTED_ADMIN_MODE_SUPPORTED: 0x08,
  REDIRECTED_AUTHENTICATION_MODE_SUPPORTED: 0x10,
} as const;

/** Fixed CR/CC header after LI: code, DST-REF(2), SRC-REF(2), class(1). */
const CR_CC_FIXED = 7;

/** TPDU code of the TPDU at `off` (masked with 0xF0), or -1 when fewer than 2 bytes. */
export function x224Code(b: Uint8Array, off: number, end: number): number {
  return end - off < 2 ? -1 : b[off + 1]! & 0xf0;
}

/**
 * Length of the X.224 header (LI + 1) of the TPDU at `off`, bounded by `end`;
 * a ParseError when LI points past the TPKT payload.
 */
export function x224HeaderLength(b: Uint8Array, off: number, end: number): number | ParseError {
  if (end - off < 2) return parseError('X.224 header truncated', off);
  const li = b[off]!;
  if (off + 1 + li > end) return parseError(`X.224 LI ${li} exceeds the TPKT payload (${end - off - 1} bytes)`, off);
  return 1 + li;
}

export interface X224ConnectionRequest {
  cookie?: string;
  routingToken?: string;
  negotiationRequest: boolean;
  requestedProtocols?: number;
  negFlags?: number;
  correlationId?: string;
  /** Something in the variable part was not understood (the known fields are still valid). */
  warning?: ParseError;
}

function findCrLf(b: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 1 < end; i++) if (b[i] === 0x0d && b[i + 1] === 0x0a) return i;
  return -1;
}

function startsWithAscii(b: Uint8Array, off: number, end: number, s: string): boolean {
  if (end - off < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

const COOKIE_PREFIX = 'Cookie: mstshash=';
const ROUTING_PREFIXES = ['Cookie: msts=', 'tsv://', 'mth://'];

/** Connection Request TPDU at `off` (LI byte) up to `end` (end of the TPKT PDU). */
export function parseConnectionRequest(b: Uint8Array, off: number, end: number): X224ConnectionRequest | ParseError {
  const hl = x224HeaderLength(b, off, end);
  if (typeof hl !== 'number') return hl;
  if (hl < CR_CC_FIXED) return parseError(`X.224 CR LI ${hl - 1} shorter than 6`, off);
  if ((b[off + 1]! & 0xf0) !== X224_TPDU.CONNECTION_REQUEST) return parseError('not an X.224 Connection Request', off + 1);
  // RDP counts the cookie and RDP_NEG_REQ inside LI; accept trailing bytes beyond LI too
  // (some clients get LI wrong), the TPKT length is authoritative.
  let p = off + CR_CC_FIXED;
  const out: X224ConnectionRequest = { negotiationRequest: false };
  let isCookie = startsWithAscii(b, p, end, COOKIE_PREFIX);
  let isToken = !isCookie && ROUTING_PREFIXES.some((pre) => startsWithAscii(b, p, end, pre));
  if (isCookie || isToken) {
    const crlf = findCrLf(b, p, end);
    if (crlf < 0) return parseError('X.224 CR cookie/routing token without CR LF', p);
    if (isCookie) out.cookie = ascii(b, p + COOKIE_PREFIX.length, crlf);
    else out.routingToken = ascii(b, p, crlf);
    p = crlf + 2;
  }
  if (p < end && b[p] === RDP_NEG_TYPE.REQ) {
    if (end - p < 8) return { ...out, warning: parseError('RDP_NEG_REQ truncated', p) };
    const len = u16le(b, p + 2);
    out.negotiationRequest = true;
    out.negFlags = b[p + 1]!;
    out.requestedProtocols = u32le(b, p + 4);
    if (len !== 8) out.warning = parseError(`RDP_NEG_REQ length ${len} (expected 8)`, p + 2);
    p += 8;
    if (p < end && b[p] === RDP_NEG_TYPE.CORRELATION_INFO) {
      if (end - p < 36) return { ...out, warning: parseError('RDP_NEG_CORRELATION_INFO truncated', p) };
      out.correlationId = toHex(b, p + 4, p + 20);
      p += 36;
    }
  }
  if (p < end && out.warning === undefined) {
    out.warning = parseError(`${end - p} unexpected bytes in X.224 CR variable part`, p);
  }
  return out;
}

export interface X224ConnectionConfirm {
  negotiation: 'response' | 'failure' | 'none' | 'unknown';
  selectedProtocol?: number;
  responseFlags?: number;
  failureCode?: number;
  negType?: number;
  warning?: ParseError;
}

/** Connection Confirm TPDU at `off` up to `end`. */
export function parseConnectionConfirm(b: Uint8Array, off: number, end: number): X224ConnectionConfirm | ParseError {
  const hl = x224HeaderLength(b, off, end);
  if (typeof hl !== 'number') return hl;
  if (hl < CR_CC_FIXED) return parseError(`X.224 CC LI ${hl - 1} shorter than 6`, off);
  if ((b[off + 1]! & 0xf0) !== X224_TPDU.CONNECTION_CONFIRM) return parseError('not an X.224 Connection Confirm', off + 1);
  const p = off + CR_CC_FIXED;
  if (p >= end) return { negotiation: 'none' };
  if (end - p < 8) return parseError(`RDP negotiation structure truncated (${end - p} of 8 bytes)`, p);
  const type = b[p]!;
  const flags = b[p + 1]!;
  const len = u16le(b, p + 2);
  const value = u32le(b, p + 4);
  let warning: ParseError | undefined;
  // A wrong length makes the value untrustworthy: Zeek rejects the PDU (rdp-invalid-length
  // baseline, "&enforce violation : RDP_Negotiation_Response:length"), so do we.
  if (len !== 8) return { negotiation: 'unknown', negType: type, warning: parseError(`RDP negotiation length ${len} (expected 8); value ignored`, p + 2) };
  if (end - p > 8) warning = parseError(`${end - p - 8} unexpected bytes after the RDP negotiation structure`, p + 8);
  if (type === RDP_NEG_TYPE.RSP) {
    const r: X224ConnectionConfirm = { negotiation: 'response', selectedProtocol: value, responseFlags: flags };
    if (warning) r.warning = warning;
    return r;
  }
  if (type === RDP_NEG_TYPE.FAILURE) {
    const r: X224ConnectionConfirm = { negotiation: 'failure', failureCode: value };
    if (warning) r.warning = warning;
    return r;
  }
  return { negotiation: 'unknown', negType: type, warning: parseError(`unknown RDP negotiation type ${type}`, p) };
}

/** Disconnect Request: LI, code 0x80, DST-REF, SRC-REF, reason. Returns the reason. */
export function parseDisconnectRequest(b: Uint8Array, off: number, end: number): number | ParseError {
  const hl = x224HeaderLength(b, off, end);
  if (typeof hl !== 'number') return hl;
  if (hl < 7) return parseError('X.224 DR truncated', off);
  return b[off + 6]!;
}

/** Header length of a Data TPDU (normally 3: 02 F0 80), or a ParseError. */
export function dataHeaderLength(b: Uint8Array, off: number, end: number): number | ParseError {
  const hl = x224HeaderLength(b, off, end);
  if (typeof hl !== 'number') return hl;
  if (hl < 3) return parseError(`X.224 DT LI ${hl - 1} shorter than 2`, off);
  return hl;
}
