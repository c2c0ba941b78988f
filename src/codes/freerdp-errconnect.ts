/**
 * FreeRDP connection error codes (ERRCONNECT_*) and the composite FreeRDP last-error value
 * `(class << 16) | type` (class 1 = ERRINFO, class 2 = CONNECT). FreeRDP error.h.
 */
import { errinfoTable } from './errinfo.js';
import { defineTable, formatHex, toU32, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'FreeRDP error.h; FreeRDP include/freerdp/error.h, errconnect.c';

export const FREERDP_ERROR_CLASS_ERRINFO = 1;
export const FREERDP_ERROR_CLASS_CONNECT = 2;

export const FREERDP_ERRCONNECT_CODES = [
  { code: 0x01, name: 'ERRCONNECT_PRE_CONNECT_FAILED', meaning: 'Client-side configuration failed before connecting.', verified: true, source: SRC },
  { code: 0x02, name: 'ERRCONNECT_CONNECT_UNDEFINED', meaning: 'Unspecified connection error.', verified: true, source: SRC },
  { code: 0x03, name: 'ERRCONNECT_POST_CONNECT_FAILED', meaning: 'Client-side configuration failed after connecting.', verified: true, source: SRC },
  { code: 0x04, name: 'ERRCONNECT_DNS_ERROR', meaning: 'Name resolution failed.', verified: true, source: SRC },
  { code: 0x05, name: 'ERRCONNECT_DNS_NAME_NOT_FOUND', meaning: 'The host name does not exist.', verified: true, source: SRC },
  { code: 0x06, name: 'ERRCONNECT_CONNECT_FAILED', meaning: 'The connection could not be established.', verified: true, source: SRC },
  { code: 0x07, name: 'ERRCONNECT_MCS_CONNECT_INITIAL_ERROR', meaning: 'Failure around the MCS Connect Initial (basic settings exchange).', verified: true, source: SRC },
  { code: 0x08, name: 'ERRCONNECT_TLS_CONNECT_FAILED', meaning: 'The TLS handshake failed.', verified: true, source: SRC },
  { code: 0x09, name: 'ERRCONNECT_AUTHENTICATION_FAILED', meaning: 'Authentication failed (generic; FreeRDP default for unmapped NTSTATUS).', verified: true, source: SRC },
  { code: 0x0a, name: 'ERRCONNECT_INSUFFICIENT_PRIVILEGES', meaning: 'The user has insufficient privileges.', verified: true, source: SRC },
  { code: 0x0b, name: 'ERRCONNECT_CONNECT_CANCELLED', meaning: 'The connection was cancelled (e.g. by the user).', verified: true, source: SRC },
  { code: 0x0c, name: 'ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED', meaning: 'Security protocol negotiation failed.', verified: true, source: SRC },
  { code: 0x0d, name: 'ERRCONNECT_CONNECT_TRANSPORT_FAILED', meaning: 'The transport layer failed (connection lost or closed).', verified: true, source: SRC },
  { code: 0x0e, name: 'ERRCONNECT_PASSWORD_EXPIRED', meaning: 'The password has expired.', verified: true, source: SRC },
  { code: 0x0f, name: 'ERRCONNECT_PASSWORD_CERTAINLY_EXPIRED', meaning: 'The password has certainly expired (no KDC was reachable to check).', verified: true, source: SRC },
  { code: 0x10, name: 'ERRCONNECT_CLIENT_REVOKED', meaning: 'The client credentials were revoked.', verified: true, source: SRC },
  { code: 0x11, name: 'ERRCONNECT_KDC_UNREACHABLE', meaning: 'The Kerberos KDC could not be reached.', verified: true, source: SRC },
  { code: 0x12, name: 'ERRCONNECT_ACCOUNT_DISABLED', meaning: 'The account is disabled.', verified: true, source: SRC },
  { code: 0x13, name: 'ERRCONNECT_PASSWORD_MUST_CHANGE', meaning: 'The password must be changed.', verified: true, source: SRC },
  { code: 0x14, name: 'ERRCONNECT_LOGON_FAILURE', meaning: 'Logon failed (bad user name or password).', verified: true, source: SRC },
  { code: 0x15, name: 'ERRCONNECT_WRONG_PASSWORD', meaning: 'The password is wrong.', verified: true, source: SRC },
  { code: 0x16, name: 'ERRCONNECT_ACCESS_DENIED', meaning: 'Access denied.', verified: true, source: SRC },
  { code: 0x17, name: 'ERRCONNECT_ACCOUNT_RESTRICTION', meaning: 'An account restriction prevents the logon.', verified: true, source: SRC },
  { code: 0x18, name: 'ERRCONNECT_ACCOUNT_LOCKED_OUT', meaning: 'The account is locked out.', verified: true, source: SRC },
  { code: 0x19, name: 'ERRCONNECT_ACCOUNT_EXPIRED', meaning: 'The account has expired.', verified: true, source: SRC },
  { code: 0x1a, name: 'ERRCONNECT_LOGON_TYPE_NOT_GRANTED', meaning: 'The user is not granted the logon type needed (e.g. Remote Desktop logon right).', verified: true, source: SRC },
  { code: 0x1b, name: 'ERRCONNECT_NO_OR_MISSING_CREDENTIALS', meaning: 'Credentials are missing or not valid.', verified: true, source: SRC },
  { code: 0x1c, name: 'ERRCONNECT_ACTIVATION_TIMEOUT', meaning: 'Timed out waiting for session activation.', verified: true, source: SRC },
  { code: 0x1d, name: 'ERRCONNECT_TARGET_BOOTING', meaning: 'The target virtual machine is still booting.', verified: true, source: SRC },
  { code: 0x1e, name: 'ERRCONNECT_HYBRID_REQUIRED_BY_SERVER', meaning: 'The server requires NLA (CredSSP) but the client has it disabled.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const freerdpErrconnectTable = defineTable({
  id: 'freerdp-errconnect',
  title: 'FreeRDP ERRCONNECT',
  section: '4.15',
  entries: FREERDP_ERRCONNECT_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `ERRCONNECT_${hex} (unknown)`,
});

export function freerdpErrconnect(type: number): CodeInfo {
  return freerdpErrconnectTable.lookup(type);
}

/** FreeRDP composite last-error value: `(class << 16) | type`. */
export function makeFreerdpError(errorClass: number, type: number): number {
  return (((errorClass & 0xffff) << 16) | (type & 0xffff)) >>> 0;
}

/**
 * Decode a composite FreeRDP error (e.g. 0x00010007 = ERRINFO_SERVER_DENIED_CONNECTION,
 * 0x0002000D = ERRCONNECT_CONNECT_TRANSPORT_FAILED). Never throws; unknown classes/types fall back.
 */
export function freerdpError(code: number): CodeInfo {
  const u = toU32(code);
  const hex = formatHex(Number.isNaN(u) ? code : u, 8);
  const cls = Number.isNaN(u) ? -1 : u >>> 16;
  const type = Number.isNaN(u) ? -1 : u & 0xffff;
  const inner =
    cls === FREERDP_ERROR_CLASS_ERRINFO
      ? errinfoTable.find(type)
      : cls === FREERDP_ERROR_CLASS_CONNECT
        ? freerdpErrconnectTable.find(type)
        : undefined;
  if (!inner) {
    return {
      code: Number.isNaN(u) ? code : u,
      name: `FREERDP_ERROR_${hex} (unknown)`,
      meaning: 'not a known FreeRDP error (class 1 = ERRINFO, class 2 = CONNECT)',
      verified: false,
      source: 'fallback (value not in the table)',
      table: 'freerdp-error',
      known: false,
    };
  }
  const className = cls === FREERDP_ERROR_CLASS_ERRINFO ? 'ERRINFO' : 'CONNECT';
  return {
    code: u,
    name: inner.name,
    meaning: `FreeRDP last error, class ${className}: ${inner.meaning}`,
    verified: inner.verified,
    source: `${SRC}; MAKE_FREERDP_ERROR(${className}, ${inner.name})`,
    aliases: [`FREERDP_ERROR_${inner.name.replace(/^(ERRINFO|ERRCONNECT)_/, '')}`],
    table: 'freerdp-error',
    known: true,
  };
}
