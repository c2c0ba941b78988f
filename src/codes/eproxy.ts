/**
 * RD Gateway (MS-TSGU) error codes: E_PROXY_* HRESULTs and related Win32/SSPI/RPC values found in
 * HANDSHAKE/TUNNEL/CHANNEL responses and CLOSE_CHANNEL. MS-TSGU, FreeRDP tsg.h.
 *
 * Two spellings exist for the same E_PROXY error: the full HRESULT 0x800759xx (FreeRDP tsg.h) and
 * its low word 0x000059xx = HRESULT_CODE(...) (rdpgw, MS-TSGU common error list). Which one a
 * Windows gateway puts on the wire is UNVERIFIED (docs/findings), so the table holds both: the
 * spelling docs/findings lists is `verified: true`, the other one is derived by the normalisation
 * rule of 8.3 and marked `verified: false`.
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-TSGU, FreeRDP tsg.h; FreeRDP tsg.h / rpc_fault.c, rdpgw errors.go errors.go, MS-TSGU';
const DERIVED = 'derived by the 8.3 normalisation rule (other spelling of a listed code); wire form UNVERIFIED (docs/findings)';

interface ProxyCode {
  readonly low: number;
  readonly name: string;
  readonly meaning: string;
  /** Which spellings docs/findings lists explicitly. */
  readonly full: boolean;
  readonly lowListed: boolean;
}

const E_PROXY: readonly ProxyCode[] = [
  { low: 0x59d8, name: 'E_PROXY_INTERNALERROR', meaning: 'Unexpected internal error in the gateway.', full: true, lowListed: true },
  { low: 0x59da, name: 'E_PROXY_RAP_ACCESSDENIED', meaning: 'The resource authorization policy (RD RAP) does not allow this user to reach this target.', full: true, lowListed: false },
  { low: 0x59db, name: 'E_PROXY_NAP_ACCESSDENIED', meaning: 'The connection authorization policy (RD CAP) / NAP does not allow this user.', full: true, lowListed: false },
  { low: 0x59dd, name: 'E_PROXY_TS_CONNECTFAILED', meaning: 'The gateway could not connect to the target RDP server: the gateway-to-host leg failed, not the client side.', full: true, lowListed: true },
  { low: 0x59df, name: 'E_PROXY_ALREADYDISCONNECTED', meaning: 'The gateway connection was already disconnected.', full: true, lowListed: false },
  { low: 0x59e6, name: 'E_PROXY_MAXCONNECTIONSREACHED', meaning: 'The gateway reached its connection limit.', full: false, lowListed: true },
  { low: 0x59e8, name: 'E_PROXY_NOTSUPPORTED', meaning: 'The request is not supported by the gateway.', full: false, lowListed: true },
  { low: 0x59e9, name: 'E_PROXY_CAPABILITYMISMATCH', meaning: 'Client and gateway could not agree on capabilities (e.g. authentication method).', full: true, lowListed: false },
  { low: 0x59ed, name: 'E_PROXY_QUARANTINE_ACCESSDENIED', meaning: 'The quarantine / statement-of-health check failed (clients tolerate it in the tunnel-auth response).', full: true, lowListed: false },
  { low: 0x59ee, name: 'E_PROXY_NOCERTAVAILABLE', meaning: 'The gateway has no server certificate configured.', full: true, lowListed: false },
  { low: 0x59f6, name: 'E_PROXY_SESSIONTIMEOUT', meaning: 'The gateway session time limit was reached (seen in CLOSE_CHANNEL).', full: false, lowListed: true },
  { low: 0x59f7, name: 'E_PROXY_COOKIE_BADPACKET', meaning: 'The PAA cookie was malformed.', full: true, lowListed: false },
  { low: 0x59f8, name: 'E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED', meaning: 'The PAA cookie (token) was rejected.', full: true, lowListed: false },
  { low: 0x59f9, name: 'E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD', meaning: 'The authentication method is not supported by the gateway.', full: true, lowListed: false },
  { low: 0x59fa, name: 'E_PROXY_REAUTH_AUTHN_FAILED', meaning: 'Re-authentication failed.', full: false, lowListed: true },
  { low: 0x59fb, name: 'E_PROXY_REAUTH_CAP_FAILED', meaning: 'The connection authorization policy check failed on re-authentication.', full: false, lowListed: true },
  { low: 0x59fc, name: 'E_PROXY_REAUTH_RAP_FAILED', meaning: 'The resource authorization policy check failed on re-authentication.', full: false, lowListed: true },
  { low: 0x59fd, name: 'E_PROXY_SDR_NOT_SUPPORTED_BY_TS', meaning: 'The target server does not support the requested feature (SDR).', full: false, lowListed: true },
  { low: 0x5a00, name: 'E_PROXY_REAUTH_NAP_FAILED', meaning: 'The NAP check failed on re-authentication.', full: false, lowListed: true },
  { low: 0x04d4, name: 'E_PROXY_CONNECTIONABORTED', meaning: 'The connection was aborted (ERROR_CONNECTION_ABORTED, 1236).', full: false, lowListed: true },
];

function proxyEntries(p: ProxyCode): CodeEntry[] {
  const fullEntry: CodeEntry = {
    code: (0x80070000 | p.low) >>> 0,
    name: p.name,
    meaning: p.meaning,
    verified: p.full,
    source: p.full ? SRC : DERIVED,
  };
  const lowEntry: CodeEntry = {
    code: p.low,
    name: `HRESULT_CODE(${p.name})`,
    meaning: `${p.meaning} (low-word spelling)`,
    verified: p.lowListed,
    source: p.lowListed ? SRC : DERIVED,
    aliases: [p.name],
  };
  return [fullEntry, lowEntry];
}

export const EPROXY_CODES = [
  { code: 0x00000000, name: 'S_OK', meaning: 'Success.', verified: true, source: SRC, aliases: ['ERROR_SUCCESS'] },
  { code: 0x00000005, name: 'ERROR_ACCESS_DENIED', meaning: 'Access denied.', verified: true, source: SRC },
  { code: 0x000004ca, name: 'ERROR_GRACEFUL_DISCONNECT', meaning: 'Normal, graceful close of the gateway channel.', verified: true, source: SRC },
  { code: 0x8009030c, name: 'SEC_E_LOGON_DENIED', meaning: 'Gateway authentication failed (logon denied).', verified: true, source: SRC },
  { code: 0x000006ba, name: 'RPC_S_SERVER_UNAVAILABLE', meaning: 'RPC-over-HTTP transport: the RPC server is unavailable.', verified: true, source: SRC },
  { code: 0x000006c1, name: 'RPC_S_PROXY_ACCESS_DENIED', meaning: 'RPC-over-HTTP transport: the gateway (RPC proxy) denied access.', verified: true, source: SRC },
  { code: 0x00000729, name: 'RPC_S_COOKIE_AUTH_FAILED', meaning: 'RPC-over-HTTP transport: cookie authentication failed.', verified: true, source: SRC },
  ...E_PROXY.flatMap(proxyEntries),
] as const satisfies readonly CodeEntry[];

export const eproxyTable = defineTable({
  id: 'eproxy',
  title: 'RD Gateway error (HRESULT)',
  section: '8.3',
  entries: EPROXY_CODES,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `HRESULT_${hex} (unknown)`,
});

export function eproxyError(code: number): CodeInfo {
  return eproxyTable.lookup(code);
}

/**
 * MS-TSGU, FreeRDP tsg.h normalisation: if the low word is in 0x59D8..0x5A00 and the high word is 0x0000
 * or 0x8007, return the low word (so both spellings compare equal); otherwise the value unchanged.
 */
export function normaliseEproxy(code: number): number {
  const u = Number.isInteger(code) ? code >>> 0 : code;
  const low = u & 0xffff;
  const high = u >>> 16;
  if (low >= 0x59d8 && low <= 0x5a00 && (high === 0 || high === 0x8007)) return low;
  return u;
}

/** True when the HRESULT signals failure (top bit set), as FreeRDP tests gateway responses. */
export function hresultFailed(code: number): boolean {
  return Number.isInteger(code) && (code >>> 0) >= 0x80000000;
}
