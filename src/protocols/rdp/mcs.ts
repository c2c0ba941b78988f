/**
 * MCS (T.125) PDUs used by RDP: Connect Initial / Connect Response (BER, application tags
 * 101 / 102) and the domain PDUs (ALIGNED PER, first byte = choice << 2 | option bits).
 * FreeRDP mcs.c; protocol-facts 4.6, 4.7, 4.11. Offsets are into the buffer given.
 */
import { Cursor } from '../../core/cursor.js';
import { u16be } from '../../core/bytes.js';
import { berExpect, berReadUint } from './ber.js';
import { parseError, type ParseError } from './parse-error.js';
import { perLength, perLengthSize } from './per.js';

/** BER identifiers of the connect PDUs. */
export const MCS_CONNECT_INITIAL_TAG = 0x7f65;
export const MCS_CONNECT_RESPONSE_TAG = 0x7f66;

/** DomainMCSPDU choices (first byte >> 2). */
export const DOMAIN_MCSPDU = {
  PLUMB_DOMAIN_INDICATION: 0,
  ERECT_DOMAIN_REQUEST: 1,
  MERGE_CHANNELS_REQUEST: 2,
  MERGE_CHANNELS_CONFIRM: 3,
  PURGE_CHANNELS_INDICATION: 4,
  MERGE_TOKENS_REQUEST: 5,
  MERGE_TOKENS_CONFIRM: 6,
  PURGE_TOKENS_INDICATION: 7,
  DISCONNECT_PROVIDER_ULTIMATUM: 8,
  REJECT_MCS_PDU_ULTIMATUM: 9,
  ATTACH_USER_REQUEST: 10,
  ATTACH_USER_CONFIRM: 11,
  DETACH_USER_REQUEST: 12,
  DETACH_USER_INDICATION: 13,
  CHANNEL_JOIN_REQUEST: 14,
  CHANNEL_JOIN_CONFIRM: 15,
  SEND_DATA_REQUEST: 25,
  SEND_DATA_INDICATION: 26,
} as const;

/** T.125 Result: 0 rt-successful … 15 user-rejected. */
export const MCS_RESULT_SUCCESSFUL = 0;
/** User ids and channel ids are sent as offsets from 1001 (MCS_BASE_CHANNEL_ID). */
export const MCS_BASE_CHANNEL_ID = 1001;
/** The I/O (global) channel RDP uses unless SC_NET says otherwise. */
export const MCS_GLOBAL_CHANNEL_ID = 1003;

/** Does the MCS payload at `off` start with a BER application tag 0x7F 0x65 / 0x66? */
export function mcsConnectTag(b: Uint8Array, off: number, end: number): number {
  return end - off >= 2 && b[off] === 0x7f ? u16be(b, off) : -1;
}

export interface McsConnectInitial {
  /** userData (GCC Conference Create Request) region within the buffer. */
  userDataStart: number;
  userDataEnd: number;
  /** The PDU was cut short: userData is the part present. */
  truncated: boolean;
}

function skipTlv(c: Cursor, tag: number): boolean {
  const len = berExpect(c, tag);
  return len >= 0 && c.skip(len);
}

/** MCS Connect-Initial at `off` up to `end`: returns where its userData lies. */
export function parseConnectInitial(b: Uint8Array, off: number, end: number): McsConnectInitial | ParseError {
  const c = new Cursor(b, off, end);
  const len = berExpect(c, MCS_CONNECT_INITIAL_TAG);
  if (len < 0) return parseError('MCS Connect-Initial: bad BER header', off);
  if (!skipTlv(c, 0x04)) return parseError('MCS Connect-Initial: callingDomainSelector', c.pos);
  if (!skipTlv(c, 0x04)) return parseError('MCS Connect-Initial: calledDomainSelector', c.pos);
  if (!skipTlv(c, 0x01)) return parseError('MCS Connect-Initial: upwardFlag', c.pos);
  for (let i = 0; i < 3; i++) if (!skipTlv(c, 0x30)) return parseError('MCS Connect-Initial: domain parameters', c.pos);
  const udLen = berExpect(c, 0x04);
  if (udLen < 0) return parseError('MCS Connect-Initial: userData', c.pos);
  const udStart = c.pos;
  const udEnd = Math.min(end, udStart + udLen);
  return { userDataStart: udStart, userDataEnd: udEnd, truncated: udStart + udLen > end };
}

export interface McsConnectResponse {
  result: number;
  calledConnectId?: number;
  userDataStart: number;
  userDataEnd: number;
  truncated: boolean;
}

/** MCS Connect-Response at `off` up to `end`. */
export function parseConnectResponse(b: Uint8Array, off: number, end: number): McsConnectResponse | ParseError {
  const c = new Cursor(b, off, end);
  const len = berExpect(c, MCS_CONNECT_RESPONSE_TAG);
  if (len < 0) return parseError('MCS Connect-Response: bad BER header', off);
  const rl = berExpect(c, 0x0a);
  if (rl < 1 || rl > 4) return parseError('MCS Connect-Response: result', c.pos);
  const result = berReadUint(c, rl);
  if (!c.ok) return parseError('MCS Connect-Response: result truncated', c.pos);
  const out: McsConnectResponse = { result, userDataStart: end, userDataEnd: end, truncated: false };
  const il = berExpect(c, 0x02);
  if (il < 1 || il > 6) return { ...out, truncated: !c.ok };
  out.calledConnectId = berReadUint(c, il);
  if (!skipTlv(c, 0x30)) return { ...out, truncated: !c.ok };
  const udLen = berExpect(c, 0x04);
  if (udLen < 0) return { ...out, truncated: true };
  out.userDataStart = c.pos;
  out.userDataEnd = Math.min(end, c.pos + udLen);
  out.truncated = c.pos + udLen > end;
  return out;
}

/** A decoded domain PDU. Send Data carries a view (start/end) of its user data. */
export type McsDomainPdu =
  | { kind: 'erect_domain'; subHeight: number; subInterval: number }
  | { kind: 'attach_user_request' }
  | { kind: 'attach_user_confirm'; result: number; userId?: number }
  | { kind: 'channel_join_request'; userId: number; channelId: number }
  | { kind: 'channel_join_confirm'; result: number; userId: number; requestedChannelId: number; channelId?: number }
  | { kind: 'dpu'; reason: number }
  | { kind: 'reject_ultimatum' }
  | { kind: 'send_data'; indication: boolean; userId: number; channelId: number; dataStart: number; dataEnd: number; truncated: boolean }
  | { kind: 'other'; choice: number };

/** ALIGNED PER constrained whole number with a length prefix (Erect Domain subHeight/subInterval). */
function perInteger(c: Cursor): number {
  const len = c.u8();
  if (len < 1 || len > 4) {
    c.ok = false;
    return 0;
  }
  return berReadUint(c, len);
}

/** DomainMCSPDU at `off` up to `end` (the X.224 DT payload). */
export function parseDomainPdu(b: Uint8Array, off: number, end: number): McsDomainPdu | ParseError {
  if (off >= end) return parseError('empty MCS PDU', off);
  const b0 = b[off]!;
  const choice = b0 >> 2;
  const c = new Cursor(b, off + 1, end);
  switch (choice) {
    case DOMAIN_MCSPDU.ERECT_DOMAIN_REQUEST: {
      const subHeight = perInteger(c);
      const subInterval = perInteger(c);
      if (!c.ok) return parseError('MCS Erect Domain Request truncated', off);
      return { kind: 'erect_domain', subHeight, subInterval };
    }
    case DOMAIN_MCSPDU.DISCONNECT_PROVIDER_ULTIMATUM: {
      if (end - off < 2) return parseError('MCS Disconnect Provider Ultimatum truncated', off);
      // 3-bit enumerated across the low 2 bits of b0 and the top bit of b1 (protocol-facts 4.11 masks only
      // 1 bit of b0 when decoding, which would read rn-channel-purged "22 00" as 0).
      const reason = ((b0 & 0x03) << 1) | (b[off + 1]! >> 7);
      return { kind: 'dpu', reason };
    }
    case DOMAIN_MCSPDU.REJECT_MCS_PDU_ULTIMATUM:
      return { kind: 'reject_ultimatum' };
    case DOMAIN_MCSPDU.ATTACH_USER_REQUEST:
      return { kind: 'attach_user_request' };
    case DOMAIN_MCSPDU.ATTACH_USER_CONFIRM: {
      const result = c.u8();
      if (!c.ok) return parseError('MCS Attach User Confirm truncated', off);
      if ((b0 & 0x02) === 0) return { kind: 'attach_user_confirm', result };
      const initiator = c.u16be();
      if (!c.ok) return parseError('MCS Attach User Confirm initiator truncated', off);
      return { kind: 'attach_user_confirm', result, userId: initiator + MCS_BASE_CHANNEL_ID };
    }
    case DOMAIN_MCSPDU.CHANNEL_JOIN_REQUEST: {
      const initiator = c.u16be();
      const channelId = c.u16be();
      if (!c.ok) return parseError('MCS Channel Join Request truncated', off);
      return { kind: 'channel_join_request', userId: initiator + MCS_BASE_CHANNEL_ID, channelId };
    }
    case DOMAIN_MCSPDU.CHANNEL_JOIN_CONFIRM: {
      const result = c.u8();
      const initiator = c.u16be();
      const requested = c.u16be();
      if (!c.ok) return parseError('MCS Channel Join Confirm truncated', off);
      const r: McsDomainPdu = {
        kind: 'channel_join_confirm',
        result,
        userId: initiator + MCS_BASE_CHANNEL_ID,
        requestedChannelId: requested,
      };
      if ((b0 & 0x02) !== 0) {
        const channelId = c.u16be();
        if (!c.ok) return parseError('MCS Channel Join Confirm channelId truncated', off);
        r.channelId = channelId;
      }
      return r;
    }
    case DOMAIN_MCSPDU.SEND_DATA_REQUEST:
    case DOMAIN_MCSPDU.SEND_DATA_INDICATION: {
      const initiator = c.u16be();
      const channelId = c.u16be();
      c.u8(); // dataPriority + segmentation
      if (!c.ok) return parseError('MCS Send Data header truncated', off);
      const lp = c.pos;
      const len = perLength(b, lp, end);
      if (len < 0) return parseError('MCS Send Data length truncated or fragmented', lp);
      const ds = lp + perLengthSize(b, lp);
      return {
        kind: 'send_data',
        indication: choice === DOMAIN_MCSPDU.SEND_DATA_INDICATION,
        userId: initiator + MCS_BASE_CHANNEL_ID,
        channelId,
        dataStart: ds,
        dataEnd: Math.min(end, ds + len),
        truncated: ds + len > end,
      };
    }
    default:
      return { kind: 'other', choice };
  }
}
