/** Root cause → client codes, following protocol-facts section 10 and 4.16. */
import { describe, expect, it } from 'vitest';
import { clientErrorsFor, ROOT_CAUSES } from '../../../src/codes/client-errors.js';

describe('clientErrorsFor', () => {
  it('covers the whole vocabulary without throwing', () => {
    expect(ROOT_CAUSES).toHaveLength(23);
    for (const c of ROOT_CAUSES) {
      const hints = clientErrorsFor(c);
      for (const h of hints) {
        expect(['mstsc', 'freerdp']).toContain(h.client);
        expect(h.name).not.toMatch(/unknown/);
        expect(h.note.length).toBeGreaterThan(3);
        // every mstsc mapping is inferred in protocol-facts section 10
        if (h.client === 'mstsc') expect(h.verified).toBe(false);
      }
    }
    expect(clientErrorsFor('healthy')).toEqual([]);
    expect(clientErrorsFor('no-rdp-traffic')).toEqual([]);
    expect(clientErrorsFor('unknown')).toEqual([]);
    expect(clientErrorsFor('not-a-cause')).toEqual([]);
  });

  it('tcp-connect-timeout → 0x204 (or 0x108) / FreeRDP CONNECT_FAILED (row 1)', () => {
    const h = clientErrorsFor('tcp-connect-timeout');
    expect(h.filter((x) => x.client === 'mstsc').map((x) => x.code)).toEqual([0x204, 0x108]);
    expect(h.find((x) => x.client === 'freerdp')).toMatchObject({ code: 0x00020006, name: 'ERRCONNECT_CONNECT_FAILED', verified: false });
    expect(h[0]?.extendedCode).toBe(0);
  });

  it('server-denied → 0x904 / 0x7, or 0x3 / 0x7; FreeRDP 0x00010007 (rows 25, 4.15)', () => {
    const h = clientErrorsFor('server-denied');
    expect(h[0]).toMatchObject({ client: 'mstsc', code: 0x904, extendedCode: 7, extendedName: 'exDiscReasonServerDeniedConnection', verified: false });
    expect(h[1]).toMatchObject({ code: 0x3, extendedCode: 7 });
    expect(h[2]).toMatchObject({ client: 'freerdp', code: 0x00010007, name: 'ERRINFO_SERVER_DENIED_CONNECTION', verified: true });
    const idle = clientErrorsFor('server-denied', { errorInfo: 3 });
    expect(idle[0]?.extendedCode).toBe(3);
    expect(idle[2]?.code).toBe(0x00010003);
  });

  it('rdp-negotiation-failure with a failure code (row 7, documented for FreeRDP)', () => {
    expect(clientErrorsFor('rdp-negotiation-failure', { failureCode: 5 })).toEqual([
      expect.objectContaining({ client: 'freerdp', code: 0x0002001e, name: 'ERRCONNECT_HYBRID_REQUIRED_BY_SERVER', verified: true }),
    ]);
    expect(clientErrorsFor('rdp-negotiation-failure', { failureCode: 3 })[0]?.name).toBe('ERRCONNECT_TLS_CONNECT_FAILED');
    expect(clientErrorsFor('rdp-negotiation-failure', { failureCode: 2 })[0]?.name).toBe('ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED');
    expect(clientErrorsFor('rdp-negotiation-failure')).toHaveLength(3);
  });

  it('credssp-auth-failure with an NTSTATUS (row 15, 6.2)', () => {
    const h = clientErrorsFor('credssp-auth-failure', { ntstatus: 0xc0000234 });
    expect(h[0]).toMatchObject({ client: 'mstsc', code: 0xd07, name: 'SSL_ERR_ACCOUNT_LOCKED_OUT', verified: false });
    expect(h[1]).toMatchObject({ client: 'freerdp', code: 0x00020018, name: 'ERRCONNECT_ACCOUNT_LOCKED_OUT', verified: true });
    const skew = clientErrorsFor('credssp-auth-failure', { ntstatus: 0xc0000133 });
    expect(skew[1]).toMatchObject({ name: 'ERRCONNECT_AUTHENTICATION_FAILED', verified: true });
    expect(skew[1]?.note).toMatch(/default branch/);
    expect(clientErrorsFor('credssp-auth-failure', { ntstatus: 0xc000006d })[0]?.code).toBe(0x807);
  });

  it('kerberos causes (rows 19-20)', () => {
    expect(clientErrorsFor('kerberos-clock-skew')[0]).toMatchObject({ code: 0x1d07, verified: false });
    expect(clientErrorsFor('kerberos-error', { krbErrorCode: 24 })[0]?.code).toBe(0x807);
    expect(clientErrorsFor('kerberos-error', { krbErrorCode: 23 })[0]?.code).toBe(0xf07);
    expect(clientErrorsFor('kerberos-error', { krbErrorCode: 18 }).map((x) => x.code)).toContain(0xd07);
    expect(clientErrorsFor('kerberos-error', { krbErrorCode: 18, ntstatus: 0xc0000072 })[0]?.code).toBe(0xb07);
  });

  it('gateway causes (row 23: FreeRDP last error is the HRESULT)', () => {
    expect(clientErrorsFor('gateway-denied', { hresult: 0x800759db })).toEqual([
      expect.objectContaining({ client: 'freerdp', code: 0x800759db, name: 'E_PROXY_NAP_ACCESSDENIED', verified: true }),
    ]);
    expect(clientErrorsFor('gateway-target-unreachable')[0]).toMatchObject({ code: 0x800759dd, name: 'E_PROXY_TS_CONNECTFAILED' });
    expect(clientErrorsFor('gateway-target-unreachable', { hresult: 0x59dd })[0]?.name).toBe('HRESULT_CODE(E_PROXY_TS_CONNECTFAILED)');
    expect(clientErrorsFor('gateway-denied').length).toBe(3);
  });

  it('transport causes map to 0x904-family codes (rows 6, 9-14, 29)', () => {
    for (const c of ['middlebox-reset', 'server-reset', 'tls-version-mismatch', 'tls-handshake-failure', 'mtu-blackhole', 'ip-fragment-loss', 'packet-loss', 'path-lost'] as const)
      expect(clientErrorsFor(c)[0]?.code, c).toBe(0x904);
    expect(clientErrorsFor('tls-version-mismatch')[1]?.name).toBe('ERRCONNECT_TLS_CONNECT_FAILED');
    expect(clientErrorsFor('icmp-unreachable')[0]?.code).toBe(0x204);
    expect(clientErrorsFor('tcp-connect-refused')[0]?.code).toBe(0x204);
  });
});
