/** RDP_NEG_FAILURE failureCode values (X.224 Connection Confirm). MS-RDPBCGR. */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-RDPBCGR; FreeRDP nego.h, Wireshark RDP dissector, Zeek consts.zeek';

export const RDP_NEG_FAILURE_CODES = [
  { code: 0x00000001, name: 'SSL_REQUIRED_BY_SERVER', meaning: 'The server insists on TLS but the client offered only Standard RDP Security.', verified: true, source: SRC },
  { code: 0x00000002, name: 'SSL_NOT_ALLOWED_BY_SERVER', meaning: 'The server only allows Standard RDP Security (e.g. SecurityLayer set to RDP) but the client asked for TLS/NLA.', verified: true, source: SRC },
  { code: 0x00000003, name: 'SSL_CERT_NOT_ON_SERVER', meaning: 'The server has no usable TLS certificate.', verified: true, source: SRC },
  { code: 0x00000004, name: 'INCONSISTENT_FLAGS', meaning: 'The combination of requestedProtocols flags is not valid.', verified: true, source: SRC },
  { code: 0x00000005, name: 'HYBRID_REQUIRED_BY_SERVER', meaning: 'The server requires Network Level Authentication (CredSSP) but the client did not offer it.', verified: true, source: SRC },
  { code: 0x00000006, name: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER', meaning: 'The server requires TLS with client-certificate authentication.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const rdpNegFailureTable = defineTable({
  id: 'rdp-neg-failure',
  title: 'RDP_NEG_FAILURE failureCode',
  section: '4.4',
  entries: RDP_NEG_FAILURE_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `NEG_FAILURE_${hex} (unknown)`,
});

export function rdpNegFailure(code: number): CodeInfo {
  return rdpNegFailureTable.lookup(code);
}
