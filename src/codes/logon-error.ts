/**
 * Logon error notification codes (Save Session Info, Logon Errors field) and the values
 * IMsTscAxEvents::OnLogonError reports. MS-RDPBCGR and 4.14 (OnLogonError).
 * Negative OnLogonError values are the same 32-bit numbers (e.g. -5 = 0xFFFFFFFB).
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-RDPBCGR; FreeRDP settings_types.h, Ms-Logonerr';
const ONLOGON = 'ExtendedDisconnectReasonCode (Remote Desktop ActiveX control) (OnLogonError); Ms-Logonerr';

export const LOGON_ERROR_CODES = [
  { code: 0x00000000, name: 'LOGON_FAILED_BAD_PASSWORD', meaning: 'Logon failed: the user name or password was wrong.', verified: true, source: SRC },
  { code: 0x00000001, name: 'LOGON_FAILED_UPDATE_PASSWORD', meaning: 'Logon failed: the password must be updated.', verified: true, source: SRC },
  { code: 0x00000002, name: 'LOGON_FAILED_OTHER', meaning: 'Logon failed for another reason.', verified: true, source: SRC },
  { code: 0x00000003, name: 'LOGON_WARNING', meaning: 'A logon warning was shown to the user.', verified: true, source: SRC },
  { code: 0xfffffff8, name: 'LOGON_MSG_SESSION_BUSY_OPTIONS', meaning: 'The target session is busy; the user is offered options.', verified: true, source: SRC },
  { code: 0xfffffff9, name: 'LOGON_MSG_DISCONNECT_REFUSED', meaning: 'The user of the existing session refused to be disconnected.', verified: true, source: SRC, aliases: ['ARBITRATION_CODE_REFUSED_DIALOG'] },
  { code: 0xfffffffa, name: 'LOGON_MSG_NO_PERMISSION', meaning: 'No permission to take over the existing session.', verified: true, source: SRC, aliases: ['ARBITRATION_CODE_NOPERM_DIALOG'] },
  { code: 0xfffffffb, name: 'LOGON_MSG_BUMP_OPTIONS', meaning: 'Another user is logged on; the user is offered to disconnect them.', verified: true, source: SRC, aliases: ['ARBITRATION_CODE_BUMP_OPTIONS'] },
  { code: 0xfffffffc, name: 'LOGON_MSG_RECONNECT_OPTIONS', meaning: 'The user is offered to reconnect to an existing session.', verified: true, source: SRC, aliases: ['ARBITRATION_CODE_RECONN_OPTIONS'] },
  { code: 0xfffffffd, name: 'LOGON_MSG_SESSION_TERMINATE', meaning: 'The session is being terminated.', verified: true, source: SRC, aliases: ['ARBITRATION_CODE_CONTINUE_TERMINATE'] },
  { code: 0xfffffffe, name: 'LOGON_MSG_SESSION_CONTINUE', meaning: 'The logon continues.', verified: true, source: SRC, aliases: ['ARBITRATION_CODE_CONTINUE_LOGON'] },
  { code: 0xffffffff, name: 'ERROR_CODE_ACCESS_DENIED', meaning: 'Access denied.', verified: true, source: SRC },
  // NTSTATUS values also reported through OnLogonError
  { code: 0xc000006d, name: 'STATUS_LOGON_FAILURE', meaning: 'Logon failure (reported through OnLogonError): bad user name or password.', verified: true, source: ONLOGON },
  { code: 0xc000006e, name: 'STATUS_ACCOUNT_RESTRICTION', meaning: 'Account restriction (reported through OnLogonError).', verified: true, source: ONLOGON },
  { code: 0xc0000224, name: 'STATUS_PASSWORD_MUST_CHANGE', meaning: 'The password must be changed (reported through OnLogonError).', verified: true, source: ONLOGON },
] as const satisfies readonly CodeEntry[];

export const logonErrorTable = defineTable({
  id: 'logon-error',
  title: 'logon error notification',
  section: '4.8, 4.14',
  entries: LOGON_ERROR_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `LOGON_${hex} (unknown)`,
});

export function logonError(code: number): CodeInfo {
  return logonErrorTable.lookup(code);
}
