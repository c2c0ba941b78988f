/**
 * Share layer (MS-RDPBCGR 2.2.8.1.1.1): Share Control Header, Share Data Header, and the PDUs a
 * failure analysis needs — Demand/Confirm Active, Deactivate All, Server Redirection,
 * Set Error Info, Save Session Info, Status Info, finalization PDUs (Synchronize, Control,
 * Font List, Font Map) and Shutdown Request/Denied. Several Share Control PDUs may be packed
 * into one MCS Send Data; each is reported.
 */
import { latin1, u16le, u32le, utf16le } from '../../core/bytes.js';
import { parseError, type ParseError } from './parse-error.js';

/** pduType & 0x0F. */
export const PDUTYPE = {
  DEMAND_ACTIVE: 0x1,
  CONFIRM_ACTIVE: 0x3,
  DEACTIVATE_ALL: 0x6,
  DATA: 0x7,
  SERVER_REDIR: 0xa,
} as const;

/** pduType2 of Share Data PDUs. */
export const PDUTYPE2 = {
  UPDATE: 0x02,
  CONTROL: 0x14,
  POINTER: 0x1b,
  INPUT: 0x1c,
  SYNCHRONIZE: 0x1f,
  REFRESH_RECT: 0x21,
  PLAY_SOUND: 0x22,
  SUPPRESS_OUTPUT: 0x23,
  SHUTDOWN_REQUEST: 0x24,
  SHUTDOWN_DENIED: 0x25,
  SAVE_SESSION_INFO: 0x26,
  FONTLIST: 0x27,
  FONTMAP: 0x28,
  SET_KEYBOARD_INDICATORS: 0x29,
  BITMAPCACHE_PERSISTENT_LIST: 0x2b,
  BITMAPCACHE_ERROR_PDU: 0x2c,
  SET_KEYBOARD_IME_STATUS: 0x2d,
  OFFSCRCACHE_ERROR_PDU: 0x2e,
  SET_ERROR_INFO_PDU: 0x2f,
  DRAWNINEGRID_ERROR_PDU: 0x30,
  DRAWGDIPLUS_ERROR_PDU: 0x31,
  ARC_STATUS_PDU: 0x32,
  STATUS_INFO_PDU: 0x36,
  MONITOR_LAYOUT_PDU: 0x37,
} as const;

/** Save Session Info infoType. */
export const INFOTYPE = { LOGON: 0, LOGON_LONG: 1, LOGON_PLAINNOTIFY: 2, LOGON_EXTENDED_INFO: 3 } as const;
/** LOGON_EXTENDED_INFO FieldsPresent bits. */
export const LOGON_EX = { AUTORECONNECTCOOKIE: 0x1, LOGONERRORS: 0x2 } as const;

/** compressedType bit: the Share Data body is compressed (not decodable here). */
export const PACKET_COMPRESSED = 0x20;

export const SHARE_CONTROL_HEADER_LENGTH = 6;
export const SHARE_DATA_HEADER_LENGTH = 18;
/** totalLength value of a legacy flow-control PDU (8 bytes). */
export const FLOW_MARKER = 0x8000;

/** What one Share Control PDU turned out to be (only the kinds we report). */
export type SharePdu =
  | { kind: 'demand_active'; pduSource: number; shareId: number; sourceDescriptor: string; numberCapabilities: number; capabilitySetTypes: number[]; sessionId?: number }
  | { kind: 'confirm_active'; pduSource: number; shareId: number; originatorId: number; sourceDescriptor: string; numberCapabilities: number; capabilitySetTypes: number[] }
  | { kind: 'deactivate_all'; pduSource: number; shareId: number }
  | { kind: 'server_redirection' }
  | { kind: 'set_error_info'; errorInfo: number }
  | { kind: 'save_session_info'; infoType: number; sessionId?: number; domain?: string; userName?: string; fieldsPresent?: number; logonErrorType?: number; logonErrorData?: number }
  | { kind: 'status_info'; statusCode: number }
  | { kind: 'finalization'; pdu: 'synchronize' | 'control' | 'font_list' | 'font_map'; action?: number; targetUser?: number }
  | { kind: 'shutdown'; pdu: 'request' | 'denied' };

/**
 * Is `start..end` plausibly a Share Control PDU (rather than a Basic Security Header)?
 * totalLength within the data (or the flow marker) and version nibble 1 in pduType.
 */
export function looksLikeShareControl(b: Uint8Array, start: number, end: number): boolean {
  // Every header in the chain must be consistent and the totalLengths must cover the data
  // exactly: a security header's flags/flagsHi (flagsHi is often garbage) almost never do.
  let s = start;
  let n = 0;
  while (s < end) {
    if (end - s < SHARE_CONTROL_HEADER_LENGTH) return n > 0 && end - s <= 2;
    const tl = u16le(b, s);
    if (tl === FLOW_MARKER) return n === 0 || end - s === 8;
    const pt = u16le(b, s + 2);
    if (tl < SHARE_CONTROL_HEADER_LENGTH || tl > end - s || (pt & 0xf0) !== 0x10) return false;
    s += tl;
    n++;
  }
  return true;
}

function capabilityTypes(b: Uint8Array, p: number, e: number, count: number): number[] {
  const types: number[] = [];
  for (let i = 0; i < count && p + 4 <= e; i++) {
    types.push(u16le(b, p));
    const len = u16le(b, p + 2);
    if (len < 4) break;
    p += len;
  }
  return types;
}

function demandOrConfirm(b: Uint8Array, s: number, e: number, pduSource: number, confirm: boolean): SharePdu | ParseError {
  let p = s + SHARE_CONTROL_HEADER_LENGTH;
  const fixed = confirm ? 14 : 12;
  if (e - p < fixed) return parseError(`${confirm ? 'Confirm' : 'Demand'} Active PDU truncated`, p);
  const shareId = u32le(b, p);
  p += 4;
  let originatorId = 0;
  if (confirm) {
    originatorId = u16le(b, p);
    p += 2;
  }
  const lsd = u16le(b, p);
  const lcc = u16le(b, p + 2);
  p += 4;
  if (p + lsd + 4 > e) return parseError('Demand/Confirm Active source descriptor runs past the PDU', p);
  const sourceDescriptor = latin1(b, p, p + lsd);
  p += lsd;
  const numberCapabilities = u16le(b, p);
  const capsEnd = Math.min(e, p + lcc);
  const capabilitySetTypes = capabilityTypes(b, p + 4, capsEnd, numberCapabilities);
  if (confirm) {
    return { kind: 'confirm_active', pduSource, shareId, originatorId, sourceDescriptor, numberCapabilities, capabilitySetTypes };
  }
  const r: SharePdu = { kind: 'demand_active', pduSource, shareId, sourceDescriptor, numberCapabilities, capabilitySetTypes };
  if (p + lcc + 4 <= e) r.sessionId = u32le(b, p + lcc);
  return r;
}

function saveSessionInfo(b: Uint8Array, p: number, e: number): SharePdu | ParseError {
  if (e - p < 4) return parseError('Save Session Info truncated', p);
  const infoType = u32le(b, p);
  const r: Extract<SharePdu, { kind: 'save_session_info' }> = { kind: 'save_session_info', infoType };
  p += 4;
  if (infoType === INFOTYPE.LOGON) {
    // cbDomain(4) Domain(52) cbUserName(4) UserName(512) SessionId(4)
    if (e - p >= 576) {
      const cbDomain = Math.min(u32le(b, p), 52);
      r.domain = utf16le(b, p + 4, p + 4 + cbDomain);
      const cbUser = Math.min(u32le(b, p + 56), 512);
      r.userName = utf16le(b, p + 60, p + 60 + cbUser);
      r.sessionId = u32le(b, p + 572);
    }
  } else if (infoType === INFOTYPE.LOGON_LONG) {
    // Version(2) Size(4) SessionId(4) cbDomain(4) cbUserName(4) Pad(558) Domain UserName
    if (e - p >= 18) {
      r.sessionId = u32le(b, p + 6);
      const cbDomain = u32le(b, p + 10);
      const cbUser = u32le(b, p + 14);
      const ds = p + 576;
      if (ds + cbDomain + cbUser <= e) {
        r.domain = utf16le(b, ds, ds + cbDomain);
        r.userName = utf16le(b, ds + cbDomain, ds + cbDomain + cbUser);
      }
    }
  } else if (infoType === INFOTYPE.LOGON_EXTENDED_INFO) {
    // Length(2) FieldsPresent(4) then LOGON_INFO_FIELDs: cbFieldData(4) + data, in bit order.
    if (e - p < 6) return parseError('Save Session Info extended info truncated', p);
    const fields = u32le(b, p + 2);
    r.fieldsPresent = fields;
    let q = p + 6;
    if (fields & LOGON_EX.AUTORECONNECTCOOKIE) {
      if (e - q < 4) return r;
      q += 4 + u32le(b, q);
    }
    if (fields & LOGON_EX.LOGONERRORS) {
      if (q + 12 <= e) {
        r.logonErrorType = u32le(b, q + 4);
        r.logonErrorData = u32le(b, q + 8);
      }
    }
  }
  return r;
}

function dataPdu(b: Uint8Array, s: number, e: number): SharePdu | ParseError | null {
  if (e - s < SHARE_DATA_HEADER_LENGTH) return parseError('Share Data Header truncated', s);
  const pduType2 = b[s + 14]!;
  const compressedType = b[s + 15]!;
  if (compressedType & PACKET_COMPRESSED) return null;
  const p = s + SHARE_DATA_HEADER_LENGTH;
  switch (pduType2) {
    case PDUTYPE2.SET_ERROR_INFO_PDU:
      if (e - p < 4) return parseError('Set Error Info PDU truncated', p);
      return { kind: 'set_error_info', errorInfo: u32le(b, p) };
    case PDUTYPE2.SAVE_SESSION_INFO:
      return saveSessionInfo(b, p, e);
    case PDUTYPE2.STATUS_INFO_PDU:
      if (e - p < 4) return parseError('Status Info PDU truncated', p);
      return { kind: 'status_info', statusCode: u32le(b, p) };
    case PDUTYPE2.SYNCHRONIZE:
      if (e - p < 4) return parseError('Synchronize PDU truncated', p);
      return { kind: 'finalization', pdu: 'synchronize', targetUser: u16le(b, p + 2) };
    case PDUTYPE2.CONTROL:
      if (e - p < 2) return parseError('Control PDU truncated', p);
      return { kind: 'finalization', pdu: 'control', action: u16le(b, p) };
    case PDUTYPE2.FONTLIST:
      return { kind: 'finalization', pdu: 'font_list' };
    case PDUTYPE2.FONTMAP:
      return { kind: 'finalization', pdu: 'font_map' };
    case PDUTYPE2.SHUTDOWN_REQUEST:
      return { kind: 'shutdown', pdu: 'request' };
    case PDUTYPE2.SHUTDOWN_DENIED:
      return { kind: 'shutdown', pdu: 'denied' };
    default:
      return null;
  }
}

/**
 * Walks the Share Control PDUs in `start..end`, calling `onPdu` for each reported kind.
 * Returns the first problem met (decoding stops there), or null.
 */
export function parseSharePdus(b: Uint8Array, start: number, end: number, onPdu: (pdu: SharePdu, offset: number) => void): ParseError | null {
  let s = start;
  while (s < end) {
    if (end - s < SHARE_CONTROL_HEADER_LENGTH) {
      // A 2-byte remainder can be padding some servers add; anything larger is an error.
      return end - s <= 2 ? null : parseError('Share Control Header truncated', s);
    }
    const tl = u16le(b, s);
    if (tl === FLOW_MARKER) {
      s += 8;
      continue;
    }
    if (tl < SHARE_CONTROL_HEADER_LENGTH) return parseError(`Share Control totalLength ${tl} < 6`, s);
    const e = Math.min(end, s + tl);
    const pduType = u16le(b, s + 2);
    const pduSource = u16le(b, s + 4);
    let r: SharePdu | ParseError | null = null;
    switch (pduType & 0x0f) {
      case PDUTYPE.DEMAND_ACTIVE:
        r = demandOrConfirm(b, s, e, pduSource, false);
        break;
      case PDUTYPE.CONFIRM_ACTIVE:
        r = demandOrConfirm(b, s, e, pduSource, true);
        break;
      case PDUTYPE.DEACTIVATE_ALL:
        r = e - s >= 10 ? { kind: 'deactivate_all', pduSource, shareId: u32le(b, s + 6) } : { kind: 'deactivate_all', pduSource, shareId: 0 };
        break;
      case PDUTYPE.SERVER_REDIR:
        r = { kind: 'server_redirection' };
        break;
      case PDUTYPE.DATA:
        r = dataPdu(b, s, e);
        break;
      default:
        r = null;
    }
    if (r !== null) {
      if ('error' in r) return r;
      onPdu(r, s);
    }
    if (s + tl > end) return parseError(`Share Control totalLength ${tl} runs past the data (${end - s})`, s);
    s += tl;
  }
  return null;
}
