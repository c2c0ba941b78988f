/** explain(): every input form from the brief, ranking, the 0x904 special case, robustness. */
import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/codes/explain.js';

const first = (q: string) => explain(q)[0];
const tablesOf = (q: string) => explain(q).map((r) => r.table);

describe('explain', () => {
  it('0x904: mstsc socket closed, with the classic-pair notes (protocol-facts 0.1)', () => {
    const r = explain('0x904');
    expect(r[0]).toMatchObject({ table: 'mstsc-disconnect', code: 0x904, hex: '0x904', name: 'disconnectReasonAtClientWinsockFDCLOSE', verified: true });
    const rel = (r[0]?.related ?? []).join('\n');
    expect(rel).toMatch(/extended reason/);
    expect(rel).toMatch(/0x904 with extended 0x7/);
    expect(rel).toMatch(/server denied the connection/);
    expect(rel).toMatch(/inferred/);
  });

  it('904 (hex without 0x) and 2308 (decimal) both find 0x904', () => {
    expect(first('904')).toMatchObject({ table: 'mstsc-disconnect', code: 0x904 });
    expect(first('904')?.related?.[0]).toMatch(/hexadecimal/);
    expect(first('2308')).toMatchObject({ table: 'mstsc-disconnect', code: 0x904 });
    expect(explain('2308')).toHaveLength(1);
  });

  it('7 / 0x7: every table where 7 means something, extended/ERRINFO first', () => {
    for (const q of ['7', '0x7']) {
      const t = tablesOf(q);
      expect(t.slice(0, 2).sort()).toEqual(['errinfo', 'extended-disconnect']);
      expect(t).toEqual(expect.arrayContaining(['licensing', 'kerberos', 'freerdp-errconnect']));
      const names = explain(q).map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['exDiscReasonServerDeniedConnection', 'ERRINFO_SERVER_DENIED_CONNECTION', 'STATUS_VALID_CLIENT', 'KDC_ERR_S_PRINCIPAL_UNKNOWN']));
      expect(t.indexOf('licensing')).toBeGreaterThan(t.indexOf('errinfo'));
    }
    expect(first('7')?.table).toBe('extended-disconnect');
    const lic = explain('7').find((r) => r.table === 'licensing');
    expect(lic?.related?.join(' ')).toMatch(/unrelated to ERRINFO 0x7/);
  });

  it('names, case-insensitively', () => {
    expect(first('ERRINFO_SERVER_DENIED_CONNECTION')).toMatchObject({ table: 'errinfo', code: 7, hex: '0x00000007' });
    expect(first('errinfo_server_denied_connection')?.code).toBe(7);
    expect(first('ERRCONNECT_TLS_CONNECT_FAILED')).toMatchObject({ table: 'freerdp-errconnect', code: 8 });
    expect(first('STATUS_LOGON_FAILURE')).toMatchObject({ table: 'ntstatus', code: 0xc000006d, hex: '0xC000006D' });
    expect(first('KRB_AP_ERR_SKEW')).toMatchObject({ table: 'kerberos', code: 37 });
    expect(first('krb_ap_err_skew')?.code).toBe(37);
    expect(first('exDiscReasonServerDeniedConnection')).toMatchObject({ table: 'extended-disconnect', code: 7 });
    expect(first('SERVER_DENIED_CONNECTION')?.name).toBe('ERRINFO_SERVER_DENIED_CONNECTION'); // prefix added
    expect(first('FREERDP_ERROR_SERVER_DENIED_CONNECTION')?.name).toBe('ERRINFO_SERVER_DENIED_CONNECTION');
    expect(first('protocol_version')).toMatchObject({ table: 'tls-alert', code: 70 });
    expect(first('ARBITRATION_CODE_BUMP_OPTIONS')).toMatchObject({ table: 'logon-error', code: 0xfffffffb });
    expect(first('ERROR_SECURITY_USER_DISABLED')).toMatchObject({ table: 'mstsc-disconnect', code: 0xb07, verified: false });
    expect(first('E_PROXY_TS_CONNECTFAILED')?.table).toBe('eproxy');
    expect(explain('E_PROXY_TS_CONNECTFAILED').map((r) => r.code).sort((a, b) => a - b)).toEqual([0x59dd, 0x800759dd]);
  });

  it('NTSTATUS and HRESULT numbers', () => {
    const nt = explain('0xC000006D');
    expect(nt[0]).toMatchObject({ table: 'ntstatus', name: 'STATUS_LOGON_FAILURE' });
    expect(nt[0]?.related?.join(' ')).toMatch(/ERRCONNECT_LOGON_FAILURE/);
    expect(nt.map((r) => r.table)).toContain('logon-error');
    expect(first('-1073741715')?.name).toBe('STATUS_LOGON_FAILURE');
    expect(first('c000006d')?.name).toBe('STATUS_LOGON_FAILURE');
    expect(first('0x800759DA')).toMatchObject({ table: 'eproxy', name: 'E_PROXY_RAP_ACCESSDENIED' });
    expect(first('0x59DD')).toMatchObject({ table: 'eproxy', name: 'HRESULT_CODE(E_PROXY_TS_CONNECTFAILED)' });
    expect(first('0x59DD')?.related?.join(' ')).toMatch(/0x800759DD/);
  });

  it('prefixed forms: alert 70, tls:70, krb:37, icmp:3/4 …', () => {
    for (const q of ['alert 70', 'tls:70', 'TLS alert 70', 'tls-alert=70']) {
      const r = explain(q);
      expect(r, q).toHaveLength(1);
      expect(r[0]).toMatchObject({ table: 'tls-alert', code: 70, name: 'protocol_version' });
    }
    expect(explain('krb:37')).toHaveLength(1);
    expect(first('krb:37')?.name).toBe('KRB_AP_ERR_SKEW');
    expect(first('kerberos 25')?.related?.join(' ')).toMatch(/not a failure/);
    expect(first('ntstatus:0xC0000234')?.name).toBe('STATUS_ACCOUNT_LOCKED_OUT');
    expect(first('errinfo:0x10C9')?.name).toBe('ERRINFO_UNKNOWN_DATA_PDU_TYPE');
    expect(first('ext:7')?.name).toBe('exDiscReasonServerDeniedConnection');
    expect(first('neg:5')?.name).toBe('HYBRID_REQUIRED_BY_SERVER');
    expect(first('neg:5')?.related?.join(' ')).toMatch(/ERRCONNECT_HYBRID_REQUIRED_BY_SERVER/);
    expect(first('lic:7')?.name).toBe('STATUS_VALID_CLIENT');
    expect(first('dpu:1')?.name).toBe('rn-provider-initiated');
    expect(first('cipher:0xc030')?.name).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(first('tlsver:0x0303')?.name).toBe('TLS 1.2');
    expect(first('proto:8')?.name).toBe('PROTOCOL_HYBRID_EX');
    const icmp = explain('icmp:3/4');
    expect(icmp.map((r) => r.name)).toEqual(['Fragmentation needed', 'Destination unreachable']);
    expect(first('icmp6:2/0')?.name).toBe('Packet Too Big');
  });

  it('the mstsc pair 0x904/0x7', () => {
    const r = explain('0x904/0x7');
    expect(r.map((x) => x.name)).toEqual(['disconnectReasonAtClientWinsockFDCLOSE', 'exDiscReasonServerDeniedConnection', 'ERRINFO_SERVER_DENIED_CONNECTION']);
    expect(explain('0x904 0x7').map((x) => x.code)).toEqual([0x904, 7, 7]);
  });

  it('FreeRDP composite values and cipher suites written as 4 hex digits', () => {
    expect(first('0x00010007')).toMatchObject({ table: 'freerdp-error', name: 'ERRINFO_SERVER_DENIED_CONNECTION' });
    expect(first('0x0002000D')?.name).toBe('ERRCONNECT_CONNECT_TRANSPORT_FAILED');
    expect(first('0xC02F')?.name).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    // a bare small number does not drag in cipher suite 0x0007
    expect(tablesOf('7')).not.toContain('tls-cipher-suite');
  });

  it('results carry every documented field and flag unverified values', () => {
    for (const q of ['0x904', '7', '0xC000006D', 'alert 70', '0x1D07', '0x19']) {
      for (const r of explain(q)) {
        expect(typeof r.tableTitle).toBe('string');
        expect(r.hex).toMatch(/^0x[0-9A-F]+$/);
        expect(r.meaning.length).toBeGreaterThan(3);
        expect(r.source.length).toBeGreaterThan(3);
      }
    }
    expect(first('0x1D07')).toMatchObject({ verified: false, name: 'ERROR_SECURITY_SERVER_TIMESKEW' });
    expect(explain('0x19').find((r) => r.table === 'errinfo')?.verified).toBe(false);
  });

  it('never throws; nonsense gives []', () => {
    for (const q of ['', '   ', 'zzzz', '0x', '0xZZ', 'alert', 'tls:', ':', '/', '0x123456789', '99999999999', 'icmp:', 'a'.repeat(500), '\u0000', '-', '0x-1', 'NaN', 'Infinity']) {
      expect(() => explain(q)).not.toThrow();
    }
    expect(explain('')).toEqual([]);
    expect(explain('zzzz')).toEqual([]);
    expect(explain('0x123456789')).toEqual([]);
    expect(explain(undefined as unknown as string)).toEqual([]);
  });
});
