/** Table integrity, known lookups (values from protocol-facts.md, section cited) and fallbacks. */
import { describe, expect, it } from 'vitest';
import { dpuReason } from '../../../src/codes/dpu-reason.js';
import { eproxyError, hresultFailed, normaliseEproxy } from '../../../src/codes/eproxy.js';
import { errinfo } from '../../../src/codes/errinfo.js';
import { extendedDisconnectReason } from '../../../src/codes/extended-disconnect.js';
import { freerdpErrconnect, freerdpError, makeFreerdpError } from '../../../src/codes/freerdp-errconnect.js';
import { icmpv4, icmpv6 } from '../../../src/codes/icmp.js';
import { kerberosError } from '../../../src/codes/kerberos-errors.js';
import { licensingError, licensingMessageType, licensingStateTransition } from '../../../src/codes/licensing.js';
import { logonError } from '../../../src/codes/logon-error.js';
import { mstscCodeLayer, mstscDisconnectReason } from '../../../src/codes/mstsc-disconnect.js';
import { freerdpErrconnectForNtstatus, ntstatus } from '../../../src/codes/ntstatus.js';
import { rdpNegFailure } from '../../../src/codes/rdp-neg-failure.js';
import { rdpProtocol, rdpProtocolNames } from '../../../src/codes/rdp-protocols.js';
import { ALL_TABLES } from '../../../src/codes/registry.js';
import { formatHex, toU32 } from '../../../src/codes/table.js';
import { tlsAlert, tlsAlertLevelName } from '../../../src/codes/tls-alerts.js';
import { isWeakCipherSuiteName, tlsCipherSuite, tlsCipherSuiteName } from '../../../src/codes/tls-cipher-suites.js';
import { isGrease, tlsVersion, tlsVersionName } from '../../../src/codes/tls-versions.js';

describe('every table', () => {
  for (const t of ALL_TABLES) {
    it(`${t.id}: no duplicate codes, complete entries, never-failing lookup`, () => {
      const seen = new Set<number>();
      for (const e of t.entries) {
        expect(seen.has(e.code), `${t.id} duplicate ${formatHex(e.code)}`).toBe(false);
        seen.add(e.code);
        expect(Number.isInteger(e.code) && e.code >= 0 && e.code <= 0xffffffff).toBe(true);
        expect(e.name.length).toBeGreaterThan(0);
        expect(e.meaning.length).toBeGreaterThan(3);
        expect(e.source.length).toBeGreaterThan(3);
        const hit = t.lookup(e.code);
        expect(hit.known).toBe(true);
        expect(hit.table).toBe(t.id);
        expect(t.byName(e.name).some((x) => x.code === e.code)).toBe(true);
      }
      for (const odd of [Number.NaN, Number.POSITIVE_INFINITY, 0.5, -0.5, 2 ** 40, -(2 ** 40), 0xfffffffe + 0.25]) {
        const r = t.lookup(odd);
        expect(r.known).toBe(false);
        expect(r.name).toMatch(/unknown/);
        expect(r.verified).toBe(false);
      }
    });
  }

  it('formatHex and toU32', () => {
    expect(formatHex(0x904)).toBe('0x904');
    expect(formatHex(7, 8)).toBe('0x00000007');
    expect(formatHex(-1073741715, 8)).toBe('0xC000006D');
    expect(toU32(-1)).toBe(0xffffffff);
    expect(Number.isNaN(toU32(1.5))).toBe(true);
  });
});

describe('known values (protocol-facts sections cited)', () => {
  it('mstsc discReason (4.14, 0.1)', () => {
    expect(mstscDisconnectReason(0x904).name).toBe('disconnectReasonAtClientWinsockFDCLOSE');
    expect(mstscDisconnectReason(2308).verified).toBe(true);
    expect(mstscDisconnectReason(0x204).name).toBe('disconnectReasonSocketConnectFailed');
    expect(mstscDisconnectReason(0x108).name).toBe('disconnectReasonConnectionTimedOut');
    expect(mstscDisconnectReason(0x404).name).toBe('disconnectReasonSocketRecvFailed');
    expect(mstscDisconnectReason(0x3).name).toBe('disconnectReasonByServer');
    expect(mstscDisconnectReason(0x807)).toMatchObject({ name: 'SSL_ERR_LOGON_FAILURE', verified: false });
    expect(mstscDisconnectReason(0x1d07)).toMatchObject({ name: 'ERROR_SECURITY_SERVER_TIMESKEW', verified: false });
    expect(mstscDisconnectReason(0x905).name).toBe('disconnectReason_0x905 (unknown)');
    // "layered" look of the codes (4.14, inferred)
    expect(mstscCodeLayer(0x904)).toMatchObject({ lowByte: 4, index: 9, category: 'Winsock / network', verified: false });
    expect(mstscCodeLayer(0xd07).category).toBe('authentication (SSL_ERR)');
  });

  it('extended reason (4.14) incl. the protocol range mapped to ERRINFO', () => {
    expect(extendedDisconnectReason(7).name).toBe('exDiscReasonServerDeniedConnection');
    expect(extendedDisconnectReason(8).name).toBe('exDiscReasonServerDeniedConnectionFips');
    expect(extendedDisconnectReason(12).name).toBe('exDiscReasonLogoffByUser');
    expect(extendedDisconnectReason(267).name).toBe('exDiscReasonLicenseCreatingLicStoreAccDenied');
    expect(extendedDisconnectReason(0x10ea).name).toBe('exDiscReasonProtocolRange (ERRINFO_BAD_CAPABILITIES)');
    expect(extendedDisconnectReason(0x2000)).toMatchObject({ known: true, verified: false, name: 'exDiscReasonProtocolRange' });
    expect(extendedDisconnectReason(13).name).toBe('exDiscReason_13 (unknown)');
  });

  it('ERRINFO (4.12)', () => {
    expect(errinfo(7).name).toBe('ERRINFO_SERVER_DENIED_CONNECTION');
    expect(errinfo(0x10c9).name).toBe('ERRINFO_UNKNOWN_DATA_PDU_TYPE');
    expect(errinfo(0x1111).name).toBe('ERRINFO_SECURITY_DATA_TOO_SHORT2');
    expect(errinfo(0x1126).name).toBe('ERRINFO_SECURITY_DATA_TOO_SHORT23');
    expect(errinfo(0x10a).name).toBe('ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS');
    expect(errinfo(0x412).name).toBe('ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED');
    expect(errinfo(0x19)).toMatchObject({ name: 'ERRINFO_SERVER_SHUTDOWN', verified: false });
    expect(errinfo(8).name).toBe('ERRINFO_0x00000008 (unknown)');
    expect(errinfo(0x1234).name).toBe('ERRINFO_0x00001234 (unknown)');
  });

  it('FreeRDP ERRCONNECT and composite errors (4.15)', () => {
    expect(freerdpErrconnect(0x08).name).toBe('ERRCONNECT_TLS_CONNECT_FAILED');
    expect(freerdpErrconnect(0x1e).name).toBe('ERRCONNECT_HYBRID_REQUIRED_BY_SERVER');
    expect(makeFreerdpError(1, 7)).toBe(0x00010007);
    expect(freerdpError(0x00010007)).toMatchObject({ name: 'ERRINFO_SERVER_DENIED_CONNECTION', known: true, table: 'freerdp-error' });
    expect(freerdpError(0x0002000d).name).toBe('ERRCONNECT_CONNECT_TRANSPORT_FAILED');
    expect(freerdpError(0x00030001)).toMatchObject({ known: false, name: 'FREERDP_ERROR_0x00030001 (unknown)' });
    expect(freerdpErrconnect(0x99).name).toBe('ERRCONNECT_0x00000099 (unknown)');
  });

  it('RDP_NEG_FAILURE (4.4), licensing (4.9), DPU (4.11), logon (4.8)', () => {
    expect(rdpNegFailure(5).name).toBe('HYBRID_REQUIRED_BY_SERVER');
    expect(rdpNegFailure(2).name).toBe('SSL_NOT_ALLOWED_BY_SERVER');
    expect(rdpNegFailure(7).name).toBe('NEG_FAILURE_0x00000007 (unknown)');
    expect(licensingError(7).name).toBe('STATUS_VALID_CLIENT');
    expect(licensingError(5).known).toBe(false);
    expect(licensingStateTransition(2).name).toBe('ST_NO_TRANSITION');
    expect(licensingMessageType(0xff).name).toBe('ERROR_ALERT');
    expect(dpuReason(1).name).toBe('rn-provider-initiated');
    expect(dpuReason(3).name).toBe('rn-user-requested');
    expect(dpuReason(9).name).toBe('rn-unknown-9 (unknown)');
    expect(logonError(-5).name).toBe('LOGON_MSG_BUMP_OPTIONS');
    expect(logonError(0xffffffff).name).toBe('ERROR_CODE_ACCESS_DENIED');
    expect(logonError(0xc0000224).name).toBe('STATUS_PASSWORD_MUST_CHANGE');
  });

  it('NTSTATUS (6.2) and the FreeRDP nla.c mapping', () => {
    expect(ntstatus(0xc000006d).name).toBe('STATUS_LOGON_FAILURE');
    expect(ntstatus(-1073741715).name).toBe('STATUS_LOGON_FAILURE');
    expect(ntstatus(0xc000015b).name).toBe('STATUS_LOGON_TYPE_NOT_GRANTED');
    expect(ntstatus(0xc0001234).name).toBe('NTSTATUS_0xC0001234 (unknown)');
    expect(freerdpErrconnectForNtstatus(0xc0000234)).toEqual({ name: 'ERRCONNECT_ACCOUNT_LOCKED_OUT', explicit: true });
    expect(freerdpErrconnectForNtstatus(0xc0000133)).toEqual({ name: 'ERRCONNECT_AUTHENTICATION_FAILED', explicit: false });
  });

  it('Kerberos (7.4)', () => {
    expect(kerberosError(37).name).toBe('KRB_AP_ERR_SKEW');
    expect(kerberosError(25).name).toBe('KDC_ERR_PREAUTH_REQUIRED');
    expect(kerberosError(52).name).toBe('KRB_ERR_RESPONSE_TOO_BIG');
    expect(kerberosError(68).name).toBe('KDC_ERR_WRONG_REALM');
    expect(kerberosError(30).name).toBe('KRB_ERROR_30 (unknown)');
  });

  it('TLS alerts (5.5), versions (5.1/5.4), cipher suites (5.4)', () => {
    expect(tlsAlert(70).name).toBe('protocol_version');
    expect(tlsAlert(40).name).toBe('handshake_failure');
    expect(tlsAlert(112).name).toBe('unrecognized_name');
    expect(tlsAlert(99).name).toBe('alert_99 (unknown)');
    expect(tlsAlertLevelName(2)).toBe('fatal');
    expect(tlsVersionName(0x0303)).toBe('TLS 1.2');
    expect(tlsVersion(0x0304).name).toBe('TLS 1.3');
    expect(tlsVersionName(0x7f1c)).toBe('0x7F1C (unknown)');
    expect(isGrease(0x0a0a) && isGrease(0xfafa) && !isGrease(0x0a0b)).toBe(true);
    expect(tlsVersion(0x3a3a).name).toBe('Reserved (GREASE)');
    expect(tlsCipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(tlsCipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(tlsCipherSuiteName(0x5600)).toBe('TLS_FALLBACK_SCSV');
    expect(tlsCipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(tlsCipherSuiteName(0x1234)).toBe('0x1234 (unknown)');
    expect(tlsCipherSuite(0x0005).meaning).toMatch(/Weak/);
    expect(tlsCipherSuite(0xc030).meaning).toMatch(/forward secret/);
    expect(isWeakCipherSuiteName('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')).toBe(false);
  });

  it('gateway HRESULTs in both spellings (8.3)', () => {
    expect(eproxyError(0x800759da).name).toBe('E_PROXY_RAP_ACCESSDENIED');
    expect(eproxyError(0x800759dd)).toMatchObject({ name: 'E_PROXY_TS_CONNECTFAILED', verified: true });
    expect(eproxyError(0x59dd)).toMatchObject({ name: 'HRESULT_CODE(E_PROXY_TS_CONNECTFAILED)', verified: true });
    expect(eproxyError(0x59da)).toMatchObject({ name: 'HRESULT_CODE(E_PROXY_RAP_ACCESSDENIED)', verified: false });
    expect(eproxyError(0x800759f6)).toMatchObject({ name: 'E_PROXY_SESSIONTIMEOUT', verified: false });
    expect(eproxyError(0x8009030c).name).toBe('SEC_E_LOGON_DENIED');
    expect(normaliseEproxy(0x800759dd)).toBe(0x59dd);
    expect(normaliseEproxy(0x59dd)).toBe(0x59dd);
    expect(normaliseEproxy(0x800459dd)).toBe(0x800459dd);
    expect(hresultFailed(0x800759da)).toBe(true);
    expect(hresultFailed(0)).toBe(false);
    expect(eproxyError(0x80070005).name).toBe('HRESULT_0x80070005 (unknown)');
  });

  it('RDP protocols and the bitmask helper (4.3)', () => {
    expect(rdpProtocol(2).name).toBe('PROTOCOL_HYBRID');
    expect(rdpProtocolNames(0)).toEqual(['PROTOCOL_RDP']);
    expect(rdpProtocolNames(0x0b)).toEqual(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX']);
    expect(rdpProtocolNames(0x1f)).toEqual(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_RDSTLS', 'PROTOCOL_HYBRID_EX', 'PROTOCOL_RDSAAD']);
    expect(rdpProtocolNames(0x41)).toEqual(['PROTOCOL_SSL', '0x00000040 (unknown bits)']);
    expect(rdpProtocolNames(Number.NaN)).toEqual(['NaN (invalid)']);
    expect(rdpProtocol(3).known).toBe(false);
  });

  it('ICMP (2.4, 2.5)', () => {
    expect(icmpv4(3, 4).text).toBe('Destination unreachable (Fragmentation needed)');
    expect(icmpv4(3, 13).code?.name).toBe('Communication administratively filtered');
    expect(icmpv4(11, 1).code?.name).toBe('Fragment reassembly time exceeded');
    expect(icmpv4(8, 0).text).toBe('Echo (ping) request');
    expect(icmpv4(3, 99)).toMatchObject({ text: 'Destination unreachable (code 99)' });
    expect(icmpv4(99, 0).type.known).toBe(false);
    expect(icmpv6(2, 0).type.name).toBe('Packet Too Big');
    expect(icmpv6(1, 1).code?.name).toBe('communication with destination administratively prohibited');
    expect(icmpv6(3, 1).code?.name).toBe('fragment reassembly time exceeded');
  });
});
