/**
 * Which client-side error codes a diagnosed root cause is consistent with: mstsc discReason
 * (+ extended reason) and FreeRDP last-error values. Follows docs/findings ("Likely
 * client error" column) and 4.16. mstsc mappings are inferred there, so they are all
 * `verified: false`; FreeRDP mappings are `verified: true` only where the table says documented
 * (RDP_NEG_FAILURE row 7, NTSTATUS via nla.c row 15 / 6.2, gateway HRESULT row 23, ERRINFO 4.15).
 */
import { eproxyTable } from './eproxy.js';
import { errinfoTable } from './errinfo.js';
import { extendedDisconnectTable } from './extended-disconnect.js';
import { FREERDP_ERROR_CLASS_CONNECT, FREERDP_ERROR_CLASS_ERRINFO, freerdpErrconnectTable, makeFreerdpError } from './freerdp-errconnect.js';
import { mstscDisconnectTable } from './mstsc-disconnect.js';
import { freerdpErrconnectForNtstatus, ntstatusTable } from './ntstatus.js';
import { formatHex } from './table.js';

export const ROOT_CAUSES = [
  'healthy',
  'tcp-connect-timeout',
  'tcp-connect-refused',
  'icmp-unreachable',
  'middlebox-reset',
  'server-reset',
  'rdp-negotiation-failure',
  'tls-version-mismatch',
  'tls-handshake-failure',
  'mtu-blackhole',
  'ip-fragment-loss',
  'packet-loss',
  'path-lost',
  'credssp-auth-failure',
  'kerberos-clock-skew',
  'kerberos-error',
  'gateway-unreachable',
  'gateway-auth-failure',
  'gateway-denied',
  'gateway-target-unreachable',
  'server-denied',
  'no-rdp-traffic',
  'unknown',
] as const;
export type RootCauseId = (typeof ROOT_CAUSES)[number];

export interface RootCauseDetail {
  /** NTSTATUS from TSRequest.errorCode or Kerberos e-data. */
  readonly ntstatus?: number;
  /** RDP_NEG_FAILURE failureCode. */
  readonly failureCode?: number;
  /** Gateway HRESULT (either spelling). */
  readonly hresult?: number;
  /** KRB-ERROR error-code. */
  readonly krbErrorCode?: number;
  /** Set Error Info errorInfo seen on the wire. */
  readonly errorInfo?: number;
}

export interface ClientErrorHint {
  readonly client: 'mstsc' | 'freerdp';
  /** mstsc discReason, or the FreeRDP last-error value (composite `(class << 16) | type`, or an HRESULT). */
  readonly code: number;
  readonly name: string;
  readonly verified: boolean;
  readonly note: string;
  /** mstsc ExtendedDisconnectReason expected alongside, when the mapping names one. */
  readonly extendedCode?: number;
  readonly extendedName?: string;
}

function mstsc(code: number, note: string, extendedCode?: number): ClientErrorHint {
  const hint: ClientErrorHint = { client: 'mstsc', code, name: mstscDisconnectTable.lookup(code).name, verified: false, note };
  if (extendedCode === undefined) return hint;
  return { ...hint, extendedCode, extendedName: extendedDisconnectTable.lookup(extendedCode).name };
}

function freerdpConnect(type: number, note: string, verified = false): ClientErrorHint {
  return {
    client: 'freerdp',
    code: makeFreerdpError(FREERDP_ERROR_CLASS_CONNECT, type),
    name: freerdpErrconnectTable.lookup(type).name,
    verified,
    note,
  };
}

function freerdpConnectByName(name: string, note: string, verified: boolean): ClientErrorHint {
  const type = freerdpErrconnectTable.byName(name)[0]?.code ?? 0x09;
  return freerdpConnect(type, note, verified);
}

function freerdpErrinfo(errorInfo: number, note: string, verified: boolean): ClientErrorHint {
  return {
    client: 'freerdp',
    code: makeFreerdpError(FREERDP_ERROR_CLASS_ERRINFO, errorInfo),
    name: errinfoTable.lookup(errorInfo).name,
    verified,
    note,
  };
}

const CONNECT_FAILED = 0x06;
const TLS_CONNECT_FAILED = 0x08;
const AUTHENTICATION_FAILED = 0x09;
const SECURITY_NEGO_CONNECT_FAILED = 0x0c;
const CONNECT_TRANSPORT_FAILED = 0x0d;
const PASSWORD_EXPIRED = 0x0e;
const CLIENT_REVOKED = 0x10;
const HYBRID_REQUIRED_BY_SERVER = 0x1e;

/** NTSTATUS → SSL_ERR discReason, by name (docs/findings: mapping inferred). */
const NTSTATUS_TO_SSL_ERR: ReadonlyMap<number, number> = new Map([
  [0xc000006d, 0x807],
  [0xc000006a, 0x807],
  [0xc0000064, 0xa07],
  [0xc0000072, 0xb07],
  [0xc000006e, 0xc07],
  [0xc0000234, 0xd07],
  [0xc0000193, 0xe07],
  [0xc0000071, 0xf07],
  [0xc0000224, 0x1207],
  [0xc000015b, 0x1307],
  [0xc000005e, 0x1807],
  [0xc0000380, 0x1c07],
  [0xc0000133, 0x1d07],
]);

/** mstsc SSL_ERR code a CredSSP NTSTATUS most likely surfaces as (inferred, name-based). */
export function mstscCodeForNtstatus(ntstatus: number): ClientErrorHint {
  const u = Number.isInteger(ntstatus) ? ntstatus >>> 0 : -1;
  const code = NTSTATUS_TO_SSL_ERR.get(u);
  const st = ntstatusTable.lookup(u).name;
  return code === undefined
    ? mstsc(0x807, `generic NLA logon failure for ${st} (docs/findings; name-based mapping, inferred)`)
    : mstsc(code, `${st} (docs/findings; name-based mapping, inferred; SSL_ERR values partially verified)`);
}

/** FreeRDP last error for a CredSSP NTSTATUS (nla.c, documented). */
export function freerdpCodeForNtstatus(ntstatus: number): ClientErrorHint {
  const m = freerdpErrconnectForNtstatus(ntstatus);
  const st = ntstatusTable.lookup(ntstatus).name;
  return freerdpConnectByName(
    m.name,
    m.explicit ? `FreeRDP nla.c maps ${st} explicitly (MS-CSSP 2.2.1, FreeRDP nla.c)` : `FreeRDP nla.c default branch for ${st} (MS-CSSP 2.2.1, FreeRDP nla.c)`,
    true,
  );
}

function negFailure(failureCode: number | undefined): ClientErrorHint[] {
  const note = (c: number): string => `RDP_NEG_FAILURE ${c} (docs/findings, FreeRDP nego.c); mstsc discReason UNVERIFIED`;
  if (failureCode === 3) return [freerdpConnect(TLS_CONNECT_FAILED, note(3), true)];
  if (failureCode === 5) return [freerdpConnect(HYBRID_REQUIRED_BY_SERVER, note(5), true)];
  if (failureCode !== undefined) return [freerdpConnect(SECURITY_NEGO_CONNECT_FAILED, note(failureCode), true)];
  return [
    freerdpConnect(SECURITY_NEGO_CONNECT_FAILED, 'failure codes 1, 2, 4, 6 when no fallback remains (docs/findings)', true),
    freerdpConnect(TLS_CONNECT_FAILED, 'failure code 3 SSL_CERT_NOT_ON_SERVER (docs/findings)', true),
    freerdpConnect(HYBRID_REQUIRED_BY_SERVER, 'failure code 5 HYBRID_REQUIRED_BY_SERVER (docs/findings)', true),
  ];
}

function kerberosError(krb: number | undefined, nt: number | undefined): ClientErrorHint[] {
  if (nt !== undefined) return [mstscCodeForNtstatus(nt), freerdpCodeForNtstatus(nt)];
  const row = 'docs/findings (SSL_ERR family depending on cause; inferred)';
  switch (krb) {
    case 6:
      return [mstsc(0xa07, `KDC_ERR_C_PRINCIPAL_UNKNOWN: ${row}`), freerdpConnect(AUTHENTICATION_FAILED, 'inferred')];
    case 18:
      return [
        mstsc(0xb07, `KDC_ERR_CLIENT_REVOKED (account disabled): ${row}`),
        mstsc(0xd07, `KDC_ERR_CLIENT_REVOKED (locked out): ${row}`),
        mstsc(0xe07, `KDC_ERR_CLIENT_REVOKED (account expired): ${row}`),
        freerdpConnect(CLIENT_REVOKED, 'inferred from the name; the NTSTATUS in e-data decides'),
      ];
    case 23:
      return [mstsc(0xf07, `KDC_ERR_KEY_EXPIRED: ${row}`), freerdpConnect(PASSWORD_EXPIRED, 'inferred from the name')];
    case 24:
      return [mstsc(0x807, `KDC_ERR_PREAUTH_FAILED (wrong password): ${row}`), freerdpConnect(AUTHENTICATION_FAILED, 'inferred')];
    case 37:
      return kerberosSkew();
    default:
      return [mstsc(0x807, `Kerberos error ${krb ?? '?'}: ${row}`), freerdpConnect(AUTHENTICATION_FAILED, 'inferred')];
  }
}

function kerberosSkew(): ClientErrorHint[] {
  return [
    mstsc(0x1d07, 'KRB_AP_ERR_SKEW: docs/findings; 0x1D07 is from rdpgw\'s list only (UNVERIFIED), or a time-difference message'),
    freerdpConnect(AUTHENTICATION_FAILED, 'docs/findings (inferred)'),
  ];
}

function gatewayHresult(hresult: number, note: string): ClientErrorHint {
  const e = eproxyTable.lookup(hresult);
  return { client: 'freerdp', code: e.code, name: e.name, verified: true, note: `${note}; FreeRDP's last error is the HRESULT itself (docs/findings)` };
}

function serverDenied(errorInfo: number | undefined): ClientErrorHint[] {
  const ei = errorInfo ?? 7;
  const name = errinfoTable.lookup(ei).name;
  const row = errorInfo === undefined || errorInfo === 7 ? 'docs/findings' : 'docs/findings';
  return [
    mstsc(0x904, `${row}: socket closed after Set Error Info ${name}; extended = errorInfo (numbering documented, copying inferred)`, ei),
    mstsc(0x3, `${row}: if the Disconnect Provider Ultimatum was processed before the close`, ei),
    freerdpErrinfo(ei, `FreeRDP error.h: FreeRDP reports the server's errorInfo as class ERRINFO (${formatHex(makeFreerdpError(1, ei), 8)})`, true),
  ];
}

/**
 * Client codes consistent with a root cause. Never throws: unknown causes give []. The result
 * lists mstsc hints first, then FreeRDP; `verified` follows docs/findings (see file comment).
 */
export function clientErrorsFor(cause: RootCauseId | string, detail: RootCauseDetail = {}): ClientErrorHint[] {
  switch (cause) {
    case 'tcp-connect-timeout':
      return [
        mstsc(0x204, 'docs/findings: SYN never answered (inferred)', 0),
        mstsc(0x108, 'docs/findings: a timer-based timeout is possible (inferred)', 0),
        freerdpConnect(CONNECT_FAILED, 'docs/findings (inferred)'),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'docs/findings (inferred)'),
      ];
    case 'tcp-connect-refused':
      return [
        mstsc(0x204, 'docs/findings: SYN answered by RST (inferred)', 0),
        freerdpConnect(CONNECT_FAILED, 'by analogy with docs/findings (inferred)'),
      ];
    case 'icmp-unreachable':
      return [
        mstsc(0x204, 'docs/findings: SYN answered by ICMP unreachable (inferred)', 0),
        freerdpConnect(CONNECT_FAILED, 'by analogy with docs/findings (inferred)'),
      ];
    case 'middlebox-reset':
      return [
        mstsc(0x904, 'docs/findings: injected reset (inferred)', 0),
        mstsc(0x404, 'docs/findings: a RST may surface as recv failed (inferred)', 0),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'FreeRDP error.h: socket-closed equivalent, depends on phase (inferred)'),
        freerdpConnect(TLS_CONNECT_FAILED, 'when the reset hit the TLS handshake (inferred)'),
      ];
    case 'server-reset':
      return [
        mstsc(0x904, 'docs/findings: server closed before the session was active (inferred)', 0),
        mstsc(0x404, '4.16: possibly recv failed when the close was a RST (inferred)', 0),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'FreeRDP error.h, depends on phase (inferred)'),
        freerdpConnect(CONNECT_FAILED, 'FreeRDP error.h, depends on phase (inferred)'),
      ];
    case 'rdp-negotiation-failure':
      return negFailure(detail.failureCode);
    case 'tls-version-mismatch':
      return [
        mstsc(0x904, 'docs/findings: mstsc code UNVERIFIED', 0),
        freerdpConnect(TLS_CONNECT_FAILED, 'docs/findings (inferred mapping)'),
      ];
    case 'tls-handshake-failure':
      return [
        mstsc(0x904, 'docs/findings: server refused the TLS handshake (inferred)', 0),
        freerdpConnect(TLS_CONNECT_FAILED, 'inferred'),
      ];
    case 'mtu-blackhole':
      return [
        mstsc(0x904, 'docs/findings (inferred)', 0),
        mstsc(0x108, 'docs/findings (inferred)', 0),
        mstsc(0x404, 'docs/findings (inferred)', 0),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'inferred'),
      ];
    case 'ip-fragment-loss':
      return [
        mstsc(0x904, 'docs/findings: when the RDP/tunnel path itself lost fragments (inferred)', 0),
        mstsc(0x807, 'docs/findings: when lost Kerberos/UDP fragments broke authentication (inferred)', 0),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'inferred'),
        freerdpConnect(AUTHENTICATION_FAILED, 'inferred, authentication case'),
      ];
    case 'packet-loss':
      return [
        mstsc(0x904, 'inferred by analogy with docs/findings', 0),
        mstsc(0x108, 'inferred by analogy with docs/findings', 0),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'inferred'),
      ];
    case 'path-lost':
      return [
        mstsc(0x904, 'docs/findings (inferred)', 0),
        mstsc(0x108, 'docs/findings (inferred)', 0),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'inferred'),
      ];
    case 'credssp-auth-failure':
      if (detail.ntstatus !== undefined) return [mstscCodeForNtstatus(detail.ntstatus), freerdpCodeForNtstatus(detail.ntstatus)];
      return [
        mstsc(0x807, 'docs/findings: SSL_ERR family, NTSTATUS unknown (inferred)', 0),
        freerdpConnect(AUTHENTICATION_FAILED, 'FreeRDP default when the NTSTATUS is not mapped (MS-CSSP 2.2.1, FreeRDP nla.c); NTSTATUS unknown here'),
      ];
    case 'kerberos-clock-skew':
      return kerberosSkew();
    case 'kerberos-error':
      return kerberosError(detail.krbErrorCode, detail.ntstatus);
    case 'gateway-unreachable':
      return [
        freerdpConnect(CONNECT_FAILED, 'gateway TCP/TLS connection failed (inferred; no row in section 10)'),
        freerdpConnect(CONNECT_TRANSPORT_FAILED, 'inferred'),
      ];
    case 'gateway-auth-failure':
      return [freerdpConnect(AUTHENTICATION_FAILED, 'docs/findings (inferred); mstsc shows a gateway dialog, 0x3000xxx code names UNVERIFIED')];
    case 'gateway-denied':
      if (detail.hresult !== undefined) return [gatewayHresult(detail.hresult, 'gateway denial')];
      return [
        gatewayHresult(0x800759db, 'RD CAP / NAP denial'),
        gatewayHresult(0x800759da, 'RD RAP denial'),
        gatewayHresult(0x800759f8, 'PAA cookie rejected'),
      ];
    case 'gateway-target-unreachable':
      return [
        gatewayHresult(detail.hresult ?? 0x800759dd, 'gateway could not reach the RDP host (also seen as 0x000059DD; wire form UNVERIFIED)'),
      ];
    case 'server-denied':
      return serverDenied(detail.errorInfo);
    default:
      // healthy, no-rdp-traffic, unknown, or a cause outside the vocabulary.
      return [];
  }
}
