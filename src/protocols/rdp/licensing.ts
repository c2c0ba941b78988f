/**
 * Licensing PDUs (MS-RDPBCGR 2.2.1.12, MS-RDPELE): the preamble after a Basic Security Header
 * with SEC_LICENSE_PKT, and the ERROR_ALERT body (dwErrorCode, dwStateTransition).
 * Note: ERROR_ALERT code 0x07 STATUS_VALID_CLIENT is the normal success short-cut.
 */
import { u16le, u32le } from '../../core/bytes.js';
import { parseError, type ParseError } from './parse-error.js';

/** bMsgType values. */
export const LICENSE_MSG = {
  LICENSE_REQUEST: 0x01,
  PLATFORM_CHALLENGE: 0x02,
  NEW_LICENSE: 0x03,
  UPGRADE_LICENSE: 0x04,
  LICENSE_INFO: 0x12,
  NEW_LICENSE_REQUEST: 0x13,
  PLATFORM_CHALLENGE_RESPONSE: 0x15,
  ERROR_ALERT: 0xff,
} as const;

/** dwErrorCode values of ERROR_ALERT. */
export const LICENSE_ERROR = {
  ERR_INVALID_SERVER_CERTIFICATE: 0x01,
  ERR_NO_LICENSE: 0x02,
  ERR_INVALID_MAC: 0x03,
  ERR_INVALID_SCOPE: 0x04,
  ERR_NO_LICENSE_SERVER: 0x06,
  STATUS_VALID_CLIENT: 0x07,
  ERR_INVALID_CLIENT: 0x08,
  ERR_INVALID_PRODUCTID: 0x0b,
  ERR_INVALID_MESSAGE_LEN: 0x0c,
} as const;

/** dwStateTransition values. */
export const LICENSE_STATE = {
  ST_TOTAL_ABORT: 1,
  ST_NO_TRANSITION: 2,
  ST_RESET_PHASE_TO_START: 3,
  ST_RESEND_LAST_MESSAGE: 4,
} as const;

export interface LicensePdu {
  msgType: number;
  flags: number;
  msgSize: number;
  errorCode?: number;
  stateTransition?: number;
}

/** Licensing preamble (and ERROR_ALERT body) at `off` up to `end`. */
export function parseLicensePdu(b: Uint8Array, off: number, end: number): LicensePdu | ParseError {
  if (end - off < 4) return parseError('licensing preamble truncated', off);
  const out: LicensePdu = { msgType: b[off]!, flags: b[off + 1]!, msgSize: u16le(b, off + 2) };
  if (out.msgType === LICENSE_MSG.ERROR_ALERT) {
    if (end - off < 12) return parseError('licensing ERROR_ALERT truncated', off + 4);
    out.errorCode = u32le(b, off + 4);
    out.stateTransition = u32le(b, off + 8);
  }
  return out;
}
