/**
 * SSPI status codes: HRESULTs of FACILITY_SECURITY (0x8009xxxx) that SSPI functions return and that
 * Windows CredSSP servers put in TSRequest.errorCode (MS-CSSP 2.2.1) and RD Gateways return
 * (MS-TSGU). Values from Microsoft Learn, "COM Error Codes (Security and Setup)"; they are not
 * NTSTATUS values, although they travel in the same fields.
 */
import { defineTable, type CodeEntry } from './table.js';

const SRC = 'Microsoft Learn, COM Error Codes (Security and Setup): https://learn.microsoft.com/windows/win32/com/com-error-codes-4';

const SSPI_CODES = [
  { code: 0x8009030c, name: 'SEC_E_LOGON_DENIED', meaning: 'The logon attempt failed.', verified: true, source: SRC },
  { code: 0x80090302, name: 'SEC_E_UNSUPPORTED_FUNCTION', meaning: 'The function requested is not supported — typically the server refuses the offered authentication package (e.g. NTLM blocked by policy) or a CredSSP version/oracle remediation mismatch.', verified: true, source: SRC },
  { code: 0x80090308, name: 'SEC_E_INVALID_TOKEN', meaning: 'The token supplied to the function is invalid.', verified: true, source: SRC },
  { code: 0x8009030d, name: 'SEC_E_UNKNOWN_CREDENTIALS', meaning: 'The credentials supplied were not recognised.', verified: true, source: SRC },
  { code: 0x8009030e, name: 'SEC_E_NO_CREDENTIALS', meaning: 'No credentials are available in the security package.', verified: true, source: SRC },
  { code: 0x80090311, name: 'SEC_E_NO_AUTHENTICATING_AUTHORITY', meaning: 'No authority (domain controller) could be contacted for authentication.', verified: true, source: SRC },
  { code: 0x80090322, name: 'SEC_E_WRONG_PRINCIPAL', meaning: 'The target principal name is incorrect (SPN mismatch).', verified: true, source: SRC },
  { code: 0x80090324, name: 'SEC_E_TIME_SKEW', meaning: 'The clocks on the client and server machines are skewed.', verified: true, source: SRC },
  { code: 0x80090325, name: 'SEC_E_UNTRUSTED_ROOT', meaning: 'The certificate chain was issued by an untrusted authority.', verified: true, source: SRC },
  { code: 0x80090304, name: 'SEC_E_INTERNAL_ERROR', meaning: 'The Local Security Authority cannot be contacted.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const sspiTable = defineTable({
  id: 'sspi',
  title: 'SSPI status (HRESULT, FACILITY_SECURITY)',
  section: 'MS-CSSP 2.2.1',
  entries: SSPI_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `SEC_${hex} (unknown)`,
});
