/**
 * Kerberos KRB-ERROR error-code values. RFC 4120 / MS-KILE (RFC 4120 §7.5.9, cross-checked
 * with MIT krb5 com_err values). Names follow RFC 4120.
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'RFC 4120 / MS-KILE; RFC 4120 §7.5.9';
const WS = 'Wireshark kerberos error table (tshark 4.0.17 -G values), RFC 1510 era; not in RFC 4120 §7.5.9 as listed in docs/findings';
const PK = 'RFC 4556 (PKINIT), not in docs/findings; not cross-checked here';
const FAST = 'RFC 6113 (FAST), not in docs/findings; not cross-checked here';

export const KERBEROS_ERROR_CODES = [
  { code: 0, name: 'KDC_ERR_NONE', meaning: 'No error.', verified: true, source: SRC },
  { code: 1, name: 'KDC_ERR_NAME_EXP', meaning: 'The client entry in the KDC database has expired.', verified: true, source: SRC },
  { code: 2, name: 'KDC_ERR_SERVICE_EXP', meaning: 'The server entry in the KDC database has expired.', verified: true, source: SRC },
  { code: 3, name: 'KDC_ERR_BAD_PVNO', meaning: 'Unsupported Kerberos protocol version.', verified: true, source: SRC },
  { code: 4, name: 'KDC_ERR_C_OLD_MAST_KVNO', meaning: 'The client key is encrypted in an old master key.', verified: true, source: SRC },
  { code: 5, name: 'KDC_ERR_S_OLD_MAST_KVNO', meaning: 'The server key is encrypted in an old master key.', verified: true, source: SRC },
  { code: 6, name: 'KDC_ERR_C_PRINCIPAL_UNKNOWN', meaning: 'The client (user) principal is unknown to the KDC.', verified: true, source: SRC },
  { code: 7, name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN', meaning: 'The service principal (SPN, e.g. TERMSRV/host) is unknown; the client falls back to NTLM or fails if NTLM is blocked.', verified: true, source: SRC },
  { code: 8, name: 'KDC_ERR_PRINCIPAL_NOT_UNIQUE', meaning: 'The principal has several entries (duplicate SPN).', verified: true, source: SRC },
  { code: 9, name: 'KDC_ERR_NULL_KEY', meaning: 'The client or server has a null key.', verified: true, source: SRC },
  { code: 10, name: 'KDC_ERR_CANNOT_POSTDATE', meaning: 'The ticket cannot be postdated.', verified: true, source: SRC },
  { code: 11, name: 'KDC_ERR_NEVER_VALID', meaning: 'The requested start time is later than the end time.', verified: true, source: SRC },
  { code: 12, name: 'KDC_ERR_POLICY', meaning: 'KDC policy rejects the request.', verified: true, source: SRC },
  { code: 13, name: 'KDC_ERR_BADOPTION', meaning: 'The KDC cannot honour a requested option.', verified: true, source: SRC },
  { code: 14, name: 'KDC_ERR_ETYPE_NOSUPP', meaning: 'No common encryption type (e.g. RC4/DES disabled on one side).', verified: true, source: SRC },
  { code: 15, name: 'KDC_ERR_SUMTYPE_NOSUPP', meaning: 'The checksum type is not supported.', verified: true, source: SRC },
  { code: 16, name: 'KDC_ERR_PADATA_TYPE_NOSUPP', meaning: 'The pre-authentication data type is not supported.', verified: true, source: SRC },
  { code: 17, name: 'KDC_ERR_TRTYPE_NOSUPP', meaning: 'The transited encoding type is not supported.', verified: true, source: SRC },
  { code: 18, name: 'KDC_ERR_CLIENT_REVOKED', meaning: 'The client credentials are revoked: account disabled, locked out, expired or outside logon hours (Windows puts the NTSTATUS in e-data).', verified: true, source: SRC },
  { code: 19, name: 'KDC_ERR_SERVICE_REVOKED', meaning: 'The service credentials are revoked.', verified: true, source: SRC },
  { code: 20, name: 'KDC_ERR_TGT_REVOKED', meaning: 'The TGT has been revoked.', verified: true, source: SRC },
  { code: 21, name: 'KDC_ERR_CLIENT_NOTYET', meaning: 'The client is not yet valid.', verified: true, source: SRC },
  { code: 22, name: 'KDC_ERR_SERVICE_NOTYET', meaning: 'The service is not yet valid.', verified: true, source: SRC },
  { code: 23, name: 'KDC_ERR_KEY_EXPIRED', meaning: 'The password has expired.', verified: true, source: SRC },
  { code: 24, name: 'KDC_ERR_PREAUTH_FAILED', meaning: 'Pre-authentication failed: usually a wrong password.', verified: true, source: SRC },
  { code: 25, name: 'KDC_ERR_PREAUTH_REQUIRED', meaning: 'Pre-authentication required. Normal first answer to an AS-REQ without pre-authentication, not a failure.', verified: true, source: SRC },
  { code: 26, name: 'KDC_ERR_SERVER_NOMATCH', meaning: 'The ticket is not for the requested server.', verified: true, source: SRC },
  { code: 27, name: 'KDC_ERR_MUST_USE_USER2USER', meaning: 'The server principal is valid for user-to-user only.', verified: true, source: SRC },
  { code: 28, name: 'KDC_ERR_PATH_NOT_ACCEPTED', meaning: 'KDC policy rejects the transited path.', verified: true, source: SRC },
  { code: 29, name: 'KDC_ERR_SVC_UNAVAILABLE', meaning: 'The service is unavailable.', verified: true, source: SRC },
  { code: 31, name: 'KRB_AP_ERR_BAD_INTEGRITY', meaning: 'Integrity check failed (wrong key or stale ticket).', verified: true, source: SRC },
  { code: 32, name: 'KRB_AP_ERR_TKT_EXPIRED', meaning: 'The ticket has expired.', verified: true, source: SRC },
  { code: 33, name: 'KRB_AP_ERR_TKT_NYV', meaning: 'The ticket is not yet valid (clock problem).', verified: true, source: SRC },
  { code: 34, name: 'KRB_AP_ERR_REPEAT', meaning: 'Replay detected.', verified: true, source: SRC },
  { code: 35, name: 'KRB_AP_ERR_NOT_US', meaning: 'The ticket is for another server.', verified: true, source: SRC },
  { code: 36, name: 'KRB_AP_ERR_BADMATCH', meaning: 'Ticket and authenticator do not match.', verified: true, source: SRC },
  { code: 37, name: 'KRB_AP_ERR_SKEW', meaning: 'Clock skew too great between client and server/KDC (default tolerance 5 minutes).', verified: true, source: SRC },
  { code: 38, name: 'KRB_AP_ERR_BADADDR', meaning: 'Incorrect network address.', verified: true, source: SRC },
  { code: 39, name: 'KRB_AP_ERR_BADVERSION', meaning: 'Protocol version mismatch.', verified: true, source: SRC },
  { code: 40, name: 'KRB_AP_ERR_MSG_TYPE', meaning: 'Invalid message type.', verified: true, source: SRC },
  { code: 41, name: 'KRB_AP_ERR_MODIFIED', meaning: 'Message stream modified: often the target account/SPN key mismatch (duplicate SPN, wrong account).', verified: true, source: SRC },
  { code: 42, name: 'KRB_AP_ERR_BADORDER', meaning: 'Message out of order.', verified: true, source: SRC },
  { code: 43, name: 'KRB_AP_ERR_ILL_CR_TKT', meaning: 'Illegal cross-realm ticket (old code, not listed in RFC 4120).', verified: false, source: WS },
  { code: 44, name: 'KRB_AP_ERR_BADKEYVER', meaning: 'The key version is not available.', verified: true, source: SRC },
  { code: 45, name: 'KRB_AP_ERR_NOKEY', meaning: 'The service key is not available.', verified: true, source: SRC },
  { code: 46, name: 'KRB_AP_ERR_MUT_FAIL', meaning: 'Mutual authentication failed.', verified: true, source: SRC },
  { code: 47, name: 'KRB_AP_ERR_BADDIRECTION', meaning: 'Incorrect message direction.', verified: true, source: SRC },
  { code: 48, name: 'KRB_AP_ERR_METHOD', meaning: 'An alternative authentication method is required.', verified: true, source: SRC },
  { code: 49, name: 'KRB_AP_ERR_BADSEQ', meaning: 'Incorrect sequence number.', verified: true, source: SRC },
  { code: 50, name: 'KRB_AP_ERR_INAPP_CKSUM', meaning: 'Inappropriate checksum type.', verified: true, source: SRC },
  { code: 51, name: 'KRB_AP_PATH_NOT_ACCEPTED', meaning: 'The transited path is not accepted.', verified: true, source: SRC },
  { code: 52, name: 'KRB_ERR_RESPONSE_TOO_BIG', meaning: 'The reply is too big for UDP; the client retries over TCP.', verified: true, source: SRC },
  { code: 60, name: 'KRB_ERR_GENERIC', meaning: 'Generic error.', verified: true, source: SRC },
  { code: 61, name: 'KRB_ERR_FIELD_TOOLONG', meaning: 'A field is too long for this implementation.', verified: true, source: SRC },
  { code: 62, name: 'KDC_ERROR_CLIENT_NOT_TRUSTED', meaning: 'PKINIT: the client certificate is not trusted.', verified: true, source: SRC },
  { code: 63, name: 'KDC_ERROR_KDC_NOT_TRUSTED', meaning: 'PKINIT: the KDC is not trusted.', verified: true, source: SRC },
  { code: 64, name: 'KDC_ERROR_INVALID_SIG', meaning: 'PKINIT: invalid signature.', verified: true, source: SRC },
  { code: 65, name: 'KDC_ERR_KEY_TOO_WEAK', meaning: 'PKINIT: the key is too weak.', verified: true, source: SRC },
  { code: 66, name: 'KDC_ERR_CERTIFICATE_MISMATCH', meaning: 'PKINIT: certificate mismatch.', verified: true, source: SRC },
  { code: 67, name: 'KRB_AP_ERR_NO_TGT', meaning: 'No TGT available for user-to-user authentication.', verified: true, source: SRC },
  { code: 68, name: 'KDC_ERR_WRONG_REALM', meaning: 'Wrong realm (referral).', verified: true, source: SRC },
  { code: 69, name: 'KRB_AP_ERR_USER_TO_USER_REQUIRED', meaning: 'User-to-user authentication is required.', verified: true, source: SRC },
  { code: 70, name: 'KDC_ERR_CANT_VERIFY_CERTIFICATE', meaning: 'PKINIT: the certificate cannot be verified.', verified: true, source: SRC },
  { code: 71, name: 'KDC_ERR_INVALID_CERTIFICATE', meaning: 'PKINIT: invalid certificate.', verified: true, source: SRC },
  { code: 72, name: 'KDC_ERR_REVOKED_CERTIFICATE', meaning: 'PKINIT: the certificate is revoked.', verified: true, source: SRC },
  { code: 73, name: 'KDC_ERR_REVOCATION_STATUS_UNKNOWN', meaning: 'PKINIT: certificate revocation status unknown.', verified: true, source: SRC },
  { code: 74, name: 'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE', meaning: 'PKINIT: certificate revocation status unavailable.', verified: true, source: SRC },
  { code: 75, name: 'KDC_ERR_CLIENT_NAME_MISMATCH', meaning: 'PKINIT: client name does not match the certificate.', verified: true, source: SRC },
  { code: 76, name: 'KDC_ERR_KDC_NAME_MISMATCH', meaning: 'PKINIT: KDC name does not match the certificate.', verified: true, source: SRC },
  { code: 77, name: 'KDC_ERR_INCONSISTENT_KEY_PURPOSE', meaning: 'PKINIT: certificate key purpose is not suitable.', verified: false, source: PK },
  { code: 78, name: 'KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED', meaning: 'PKINIT: certificate digest algorithm not accepted.', verified: false, source: PK },
  { code: 79, name: 'KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED', meaning: 'PKINIT: the request must include a checksum.', verified: false, source: PK },
  { code: 80, name: 'KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED', meaning: 'PKINIT: signed-data digest algorithm not accepted.', verified: false, source: PK },
  { code: 81, name: 'KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED', meaning: 'PKINIT: public-key encryption is not supported.', verified: false, source: PK },
  { code: 90, name: 'KDC_ERR_PREAUTH_EXPIRED', meaning: 'FAST: the pre-authentication data has expired.', verified: false, source: FAST },
  { code: 91, name: 'KDC_ERR_MORE_PREAUTH_DATA_REQUIRED', meaning: 'FAST: more pre-authentication data is required.', verified: false, source: FAST },
  { code: 93, name: 'KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS', meaning: 'FAST: unknown critical FAST option.', verified: false, source: FAST },
] as const satisfies readonly CodeEntry[];

export const kerberosErrorTable = defineTable({
  id: 'kerberos',
  title: 'Kerberos error code',
  section: '7.4',
  entries: KERBEROS_ERROR_CODES,
  hexDigits: 0,
  radix: 'dec',
  fallbackName: (c) => `KRB_ERROR_${c} (unknown)`,
});

export function kerberosError(code: number): CodeInfo {
  return kerberosErrorTable.lookup(code);
}
