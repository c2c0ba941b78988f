/**
 * NTSTATUS values seen in CredSSP TSRequest.errorCode, Kerberos e-data and OnLogonError.
 * MS-CSSP 2.2.1, FreeRDP nla.c (values verified there against FreeRDP winpr nt.h) plus a few related
 * values checked against Wireshark's NTSTATUS table (tshark 4.0.17 `-G values`, smb2.nt_status).
 * `freerdp` names the FreeRDP last error nla.c sets for the value (default: AUTHENTICATION_FAILED).
 */
import { sspiTable } from './sspi.js';
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-CSSP 2.2.1, FreeRDP nla.c; FreeRDP winpr nt.h, nla.c';
const WS = 'Wireshark NTSTATUS table (tshark 4.0.17 -G values); not in docs/findings';

export const NTSTATUS_CODES = [
  { code: 0xc000006d, name: 'STATUS_LOGON_FAILURE', meaning: 'Bad user name or password (generic logon failure).', verified: true, source: SRC },
  { code: 0xc000006a, name: 'STATUS_WRONG_PASSWORD', meaning: 'The password is wrong.', verified: true, source: SRC },
  { code: 0xc0000064, name: 'STATUS_NO_SUCH_USER', meaning: 'The user does not exist (usually masked as STATUS_LOGON_FAILURE).', verified: true, source: SRC },
  { code: 0xc000006e, name: 'STATUS_ACCOUNT_RESTRICTION', meaning: 'The credentials are right but a restriction applies (e.g. blank password, logon hours).', verified: true, source: SRC },
  { code: 0xc000006f, name: 'STATUS_INVALID_LOGON_HOURS', meaning: 'Logon is not allowed at this time of day.', verified: true, source: SRC },
  { code: 0xc0000070, name: 'STATUS_INVALID_WORKSTATION', meaning: 'Logon is not allowed from this workstation.', verified: true, source: SRC },
  { code: 0xc0000071, name: 'STATUS_PASSWORD_EXPIRED', meaning: 'The password has expired.', verified: true, source: SRC },
  { code: 0xc0000072, name: 'STATUS_ACCOUNT_DISABLED', meaning: 'The account is disabled.', verified: true, source: SRC },
  { code: 0xc0000193, name: 'STATUS_ACCOUNT_EXPIRED', meaning: 'The account has expired.', verified: true, source: SRC },
  { code: 0xc0000224, name: 'STATUS_PASSWORD_MUST_CHANGE', meaning: 'The password must be changed at next logon.', verified: true, source: SRC },
  { code: 0xc0000234, name: 'STATUS_ACCOUNT_LOCKED_OUT', meaning: 'The account is locked out.', verified: true, source: SRC },
  { code: 0xc000015b, name: 'STATUS_LOGON_TYPE_NOT_GRANTED', meaning: 'The user lacks the logon right needed (e.g. "Allow log on through Remote Desktop Services").', verified: true, source: SRC },
  { code: 0xc0000022, name: 'STATUS_ACCESS_DENIED', meaning: 'Access denied.', verified: true, source: SRC },
  { code: 0xc0000133, name: 'STATUS_TIME_DIFFERENCE_AT_DC', meaning: 'The clock differs too much from the domain controller.', verified: true, source: SRC },
  { code: 0xc000005e, name: 'STATUS_NO_LOGON_SERVERS', meaning: 'No domain controller could be reached to authenticate.', verified: true, source: SRC },
  { code: 0xc00000df, name: 'STATUS_NO_SUCH_DOMAIN', meaning: 'The domain is unknown.', verified: true, source: SRC },
  { code: 0xc000018b, name: 'STATUS_NO_TRUST_SAM_ACCOUNT', meaning: 'The machine has no trust account with the domain.', verified: true, source: SRC },
  { code: 0xc000018d, name: 'STATUS_TRUSTED_RELATIONSHIP_FAILURE', meaning: 'The trust relationship with the domain failed.', verified: true, source: SRC },
  { code: 0xc0000388, name: 'STATUS_DOWNGRADE_DETECTED', meaning: 'A possible security downgrade was detected, or the domain controller was unreachable.', verified: true, source: SRC },
  { code: 0xc0000413, name: 'STATUS_AUTHENTICATION_FIREWALL_FAILED', meaning: 'Selective authentication (authentication firewall) denied the logon.', verified: true, source: SRC },
  { code: 0xc000023c, name: 'STATUS_NETWORK_UNREACHABLE', meaning: 'The network is unreachable.', verified: true, source: SRC },
  { code: 0xc0000380, name: 'STATUS_SMARTCARD_WRONG_PIN', meaning: 'The smart card PIN is wrong.', verified: true, source: SRC },
  { code: 0xc0000320, name: 'STATUS_PKINIT_FAILURE', meaning: 'Smart card (PKINIT) Kerberos logon failed.', verified: true, source: SRC },
  { code: 0xc00002fd, name: 'STATUS_KDC_UNKNOWN_ETYPE', meaning: 'The KDC does not support the requested encryption type.', verified: true, source: SRC },
  // Related values (checked against Wireshark's table).
  { code: 0x00000000, name: 'STATUS_SUCCESS', meaning: 'Success.', verified: true, source: WS },
  { code: 0xc0000016, name: 'STATUS_MORE_PROCESSING_REQUIRED', meaning: 'Authentication is in progress: another round trip is needed (normal during NTLM/SPNEGO).', verified: true, source: WS },
  { code: 0xc000006c, name: 'STATUS_PASSWORD_RESTRICTION', meaning: 'The new password does not meet the password policy.', verified: true, source: WS },
  { code: 0xc00000bb, name: 'STATUS_NOT_SUPPORTED', meaning: 'The request is not supported.', verified: true, source: WS },
  { code: 0xc00000b5, name: 'STATUS_IO_TIMEOUT', meaning: 'An I/O operation timed out.', verified: true, source: WS },
  { code: 0xc0000155, name: 'STATUS_LOGON_NOT_GRANTED', meaning: 'The logon was not granted.', verified: true, source: WS },
  { code: 0xc000018a, name: 'STATUS_NO_TRUST_LSA_SECRET', meaning: 'The machine trust secret is missing.', verified: true, source: WS },
  { code: 0xc000018c, name: 'STATUS_TRUSTED_DOMAIN_FAILURE', meaning: 'The trust with the domain failed.', verified: true, source: WS },
  { code: 0xc0000192, name: 'STATUS_NETLOGON_NOT_STARTED', meaning: 'The Netlogon service is not running.', verified: true, source: WS },
  { code: 0xc0000199, name: 'STATUS_NOLOGON_WORKSTATION_TRUST_ACCOUNT', meaning: 'A workstation trust account cannot be used to log on interactively.', verified: true, source: WS },
  { code: 0xc0000203, name: 'STATUS_USER_SESSION_DELETED', meaning: 'The remote user session was deleted.', verified: true, source: WS },
  { code: 0xc000020d, name: 'STATUS_CONNECTION_RESET', meaning: 'The connection was reset.', verified: true, source: WS },
  { code: 0xc0000233, name: 'STATUS_DOMAIN_CONTROLLER_NOT_FOUND', meaning: 'No domain controller was found.', verified: true, source: WS },
  { code: 0xc0000236, name: 'STATUS_CONNECTION_REFUSED', meaning: 'The connection was refused.', verified: true, source: WS },
  { code: 0xc000023d, name: 'STATUS_HOST_UNREACHABLE', meaning: 'The host is unreachable.', verified: true, source: WS },
] as const satisfies readonly CodeEntry[];

export const ntstatusTable = defineTable({
  id: 'ntstatus',
  title: 'NTSTATUS',
  section: '6.2',
  entries: NTSTATUS_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `NTSTATUS_${hex} (unknown)`,
});

/**
 * Name of a TSRequest.errorCode / e-data status: an NTSTATUS, or an SSPI HRESULT (SEC_E_*), which
 * Windows CredSSP servers also put there (0x80090302 when NTLM is refused).
 */
export function ntstatus(code: number): CodeInfo {
  return sspiTable.find(code) ?? ntstatusTable.lookup(code);
}

/** FreeRDP nla.c: NTSTATUS in TSRequest.errorCode → ERRCONNECT type (default AUTHENTICATION_FAILED). */
const FREERDP_NLA_MAP: ReadonlyMap<number, string> = new Map([
  [0xc0000224, 'ERRCONNECT_PASSWORD_MUST_CHANGE'],
  [0xc0000071, 'ERRCONNECT_PASSWORD_EXPIRED'],
  [0xc0000072, 'ERRCONNECT_ACCOUNT_DISABLED'],
  [0xc000006d, 'ERRCONNECT_LOGON_FAILURE'],
  [0xc000006a, 'ERRCONNECT_WRONG_PASSWORD'],
  [0xc0000022, 'ERRCONNECT_ACCESS_DENIED'],
  [0xc000006e, 'ERRCONNECT_ACCOUNT_RESTRICTION'],
  [0xc0000234, 'ERRCONNECT_ACCOUNT_LOCKED_OUT'],
  [0xc0000193, 'ERRCONNECT_ACCOUNT_EXPIRED'],
  [0xc000015b, 'ERRCONNECT_LOGON_TYPE_NOT_GRANTED'],
]);

/** Name of the ERRCONNECT code FreeRDP sets when the server's TSRequest carries this NTSTATUS. */
export function freerdpErrconnectForNtstatus(code: number): { name: string; explicit: boolean } {
  const u = Number.isInteger(code) ? code >>> 0 : -1;
  const name = FREERDP_NLA_MAP.get(u);
  return name ? { name, explicit: true } : { name: 'ERRCONNECT_AUTHENTICATION_FAILED', explicit: false };
}
