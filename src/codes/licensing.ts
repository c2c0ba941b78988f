/**
 * Licensing PDU codes (MS-RDPBCGR 2.2.1.12, MS-RDPELE): ERROR_ALERT dwErrorCode, the
 * dwStateTransition that goes with it, and the preamble bMsgType. MS-RDPBCGR.
 * Note: licensing 0x07 STATUS_VALID_CLIENT is the normal success short-cut and has nothing to do
 * with ERRINFO 0x7 or extended reason 0x7.
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-RDPBCGR; Wireshark RDP dissector';

export const LICENSING_ERROR_CODES = [
  { code: 0x01, name: 'ERR_INVALID_SERVER_CERTIFICATE', meaning: 'The server licensing certificate is not valid.', verified: true, source: SRC },
  { code: 0x02, name: 'ERR_NO_LICENSE', meaning: 'No license is available.', verified: true, source: SRC },
  { code: 0x03, name: 'ERR_INVALID_MAC', meaning: 'A licensing message failed its MAC check.', verified: true, source: SRC },
  { code: 0x04, name: 'ERR_INVALID_SCOPE', meaning: 'The licensing scope is not valid.', verified: true, source: SRC },
  { code: 0x06, name: 'ERR_NO_LICENSE_SERVER', meaning: 'No license server is available.', verified: true, source: SRC },
  { code: 0x07, name: 'STATUS_VALID_CLIENT', meaning: 'Normal: the server accepts the client without issuing a license (success short-cut). Unrelated to ERRINFO 0x7 / extended 0x7.', verified: true, source: SRC },
  { code: 0x08, name: 'ERR_INVALID_CLIENT', meaning: 'The client is not valid for licensing.', verified: true, source: SRC },
  { code: 0x0b, name: 'ERR_INVALID_PRODUCTID', meaning: 'The product ID is not valid.', verified: true, source: SRC },
  { code: 0x0c, name: 'ERR_INVALID_MESSAGE_LEN', meaning: 'A licensing message had an invalid length.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const LICENSING_STATE_TRANSITIONS = [
  { code: 1, name: 'ST_TOTAL_ABORT', meaning: 'Abort the licensing exchange entirely.', verified: true, source: SRC },
  { code: 2, name: 'ST_NO_TRANSITION', meaning: 'No state change (used with STATUS_VALID_CLIENT).', verified: true, source: SRC },
  { code: 3, name: 'ST_RESET_PHASE_TO_START', meaning: 'Restart licensing from the beginning.', verified: true, source: SRC },
  { code: 4, name: 'ST_RESEND_LAST_MESSAGE', meaning: 'Resend the last licensing message.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const LICENSING_MESSAGE_TYPES = [
  { code: 0x01, name: 'LICENSE_REQUEST', meaning: 'Server License Request.', verified: true, source: SRC },
  { code: 0x02, name: 'PLATFORM_CHALLENGE', meaning: 'Server Platform Challenge.', verified: true, source: SRC },
  { code: 0x03, name: 'NEW_LICENSE', meaning: 'Server issues a new license.', verified: true, source: SRC },
  { code: 0x04, name: 'UPGRADE_LICENSE', meaning: 'Server upgrades an existing license.', verified: true, source: SRC },
  { code: 0x12, name: 'LICENSE_INFO', meaning: 'Client presents its stored license.', verified: true, source: SRC },
  { code: 0x13, name: 'NEW_LICENSE_REQUEST', meaning: 'Client asks for a new license.', verified: true, source: SRC },
  { code: 0x15, name: 'PLATFORM_CHALLENGE_RESPONSE', meaning: 'Client answers the platform challenge.', verified: true, source: SRC },
  { code: 0xff, name: 'ERROR_ALERT', meaning: 'Licensing error (or STATUS_VALID_CLIENT) from either side.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const licensingErrorTable = defineTable({
  id: 'licensing',
  title: 'licensing error code',
  section: '4.9',
  entries: LICENSING_ERROR_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `LICENSE_ERROR_${hex} (unknown)`,
});

export const licensingStateTable = defineTable({
  id: 'licensing-state',
  title: 'licensing state transition',
  section: '4.9',
  entries: LICENSING_STATE_TRANSITIONS,
  hexDigits: 8,
  radix: 'dec',
  fallbackName: (c) => `ST_${c} (unknown)`,
});

export const licensingMessageTypeTable = defineTable({
  id: 'licensing-msg-type',
  title: 'licensing message type',
  section: '4.9',
  entries: LICENSING_MESSAGE_TYPES,
  hexDigits: 2,
  radix: 'hex',
  fallbackName: (_c, hex) => `LICENSE_MSG_${hex} (unknown)`,
});

export function licensingError(code: number): CodeInfo {
  return licensingErrorTable.lookup(code);
}
export function licensingStateTransition(code: number): CodeInfo {
  return licensingStateTable.lookup(code);
}
export function licensingMessageType(code: number): CodeInfo {
  return licensingMessageTypeTable.lookup(code);
}
