/**
 * Every code value listed in the protocol-facts.md tables implemented in src/codes is present in
 * our tables, with the same name where the document gives one. The markdown is parsed here, so a
 * new row in the document makes this test fail until the table is updated.
 */
import { describe, expect, it } from 'vitest';
import { dpuReasonTable } from '../../../src/codes/dpu-reason.js';
import { eproxyTable } from '../../../src/codes/eproxy.js';
import { errinfoTable } from '../../../src/codes/errinfo.js';
import { extendedDisconnectTable } from '../../../src/codes/extended-disconnect.js';
import { freerdpErrconnectTable } from '../../../src/codes/freerdp-errconnect.js';
import { icmpKey, icmpv4CodeTable, icmpv6CodeTable, icmpv6TypeTable } from '../../../src/codes/icmp.js';
import { kerberosErrorTable } from '../../../src/codes/kerberos-errors.js';
import { licensingErrorTable, licensingMessageTypeTable, licensingStateTable } from '../../../src/codes/licensing.js';
import { logonErrorTable } from '../../../src/codes/logon-error.js';
import { mstscDisconnectTable } from '../../../src/codes/mstsc-disconnect.js';
import { ntstatusTable } from '../../../src/codes/ntstatus.js';
import { rdpNegFailureTable } from '../../../src/codes/rdp-neg-failure.js';
import { rdpProtocolTable } from '../../../src/codes/rdp-protocols.js';
import type { CodeTable } from '../../../src/codes/table.js';
import { tlsAlertTable } from '../../../src/codes/tls-alerts.js';
import { tlsCipherSuiteTable } from '../../../src/codes/tls-cipher-suites.js';
import { tlsVersionTable } from '../../../src/codes/tls-versions.js';
import { codesInCell, FACTS_PRESENT, section, tableRows, tables } from './facts.js';

if (!FACTS_PRESENT) console.warn('protocol-facts.md not found under ../shared/docs: coverage tests skipped');

function names(t: CodeTable, code: number): string[] {
  const e = t.find(code);
  return e ? [e.name, ...(e.aliases ?? [])] : [];
}

/** All rows of `body` whose first cell holds codes: [codes, row]. */
function codeRows(body: string): Array<[number[], string[]]> {
  return tableRows(body)
    .map((r): [number[], string[]] => [codesInCell(r[0] ?? ''), r])
    .filter(([c]) => c.length > 0);
}

describe.skipIf(!FACTS_PRESENT)('protocol-facts.md tables are fully covered', () => {
  it('4.3 requestedProtocols values', () => {
    const rows = codeRows(section('4.3')).filter(([, r]) => (r[1] ?? '').startsWith('PROTOCOL_'));
    expect(rows.length).toBe(6);
    for (const [codes, r] of rows) expect(names(rdpProtocolTable, codes[0]!)).toContain(r[1]);
  });

  it('4.4 RDP_NEG_FAILURE failureCode table', () => {
    const rows = codeRows(section('4.4')).filter(([, r]) => /^[A-Z_]+$/.test(r[1] ?? '') && (r[0] ?? '').length === 10);
    expect(rows.length).toBe(6);
    for (const [codes, r] of rows) expect(rdpNegFailureTable.find(codes[0]!)?.name).toBe(r[1]);
  });

  it('4.8 logon error table', () => {
    const rows = codeRows(section('4.8'));
    expect(rows.length).toBe(12);
    for (const [codes, r] of rows) {
      const docName = (r[1] ?? '').split(' (')[0]!;
      expect(names(logonErrorTable, codes[0]!)).toContain(docName);
    }
  });

  it('4.9 licensing: error codes, state transitions (prose) and bMsgType table', () => {
    const body = section('4.9');
    const errs = [...body.matchAll(/0x([0-9A-F]{2}) \*{0,2}((?:ERR|STATUS)_[A-Z_]+)/g)];
    expect(errs.length).toBe(9);
    for (const m of errs) expect(licensingErrorTable.find(parseInt(m[1]!, 16))?.name).toBe(m[2]);
    const states = [...body.matchAll(/(\d) (ST_[A-Z_]+)/g)];
    expect(states.length).toBe(4);
    for (const m of states) expect(licensingStateTable.find(Number(m[1]))?.name).toBe(m[2]);
    const msgRows = codeRows(body);
    expect(msgRows.length).toBe(8);
    for (const [codes, r] of msgRows) expect(licensingMessageTypeTable.find(codes[0]!)?.name).toBe((r[1] ?? '').split(' (')[0]);
  });

  it('4.11 DPU reasons', () => {
    const rows = codeRows(section('4.11'));
    expect(rows.length).toBe(5);
    for (const [codes, r] of rows) expect(dpuReasonTable.find(codes[0]!)?.name).toBe(r[1]);
  });

  it('4.12 errorInfo tables (all ranges)', () => {
    const rows = codeRows(section('4.12'));
    expect(rows.length).toBeGreaterThan(100);
    let checked = 0;
    for (const [codes, r] of rows) {
      const docName = (r[1] ?? '').split(/\s*[/…]\s*/)[0]!.trim();
      for (const c of codes) {
        if (docName.startsWith('(exDiscReason')) {
          // 0x10B exists only as an extended reason (documented in the row itself).
          expect(extendedDisconnectTable.find(c)?.name).toBe('exDiscReasonLicenseCreatingLicStoreAccDenied');
          continue;
        }
        const e = errinfoTable.find(c);
        expect(e, `ERRINFO ${c.toString(16)}`).toBeDefined();
        if (codes.length === 1) expect(e?.name).toBe(docName === 'ERRINFO_NONE' ? 'ERRINFO_SUCCESS' : docName);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(120);
  });

  it('4.14 mstsc discReason, SSL_ERR and ExtendedDisconnectReason tables', () => {
    const [disc, ssl, ext] = tables(section('4.14'));
    expect(disc?.length).toBe(32);
    for (const r of disc ?? []) expect(mstscDisconnectTable.find(parseInt(r[0]!, 16))?.name).toBe(r[2]);
    expect(ssl?.length).toBe(17);
    for (const r of ssl ?? []) {
      const got = names(mstscDisconnectTable, parseInt(r[0]!, 16));
      const tlb = r[2] ?? '—';
      const rdpgw = (r[3] ?? '—').split(' (')[0]!;
      expect(got).toContain(tlb !== '—' ? tlb : rdpgw);
      if (rdpgw !== '—' && tlb !== '—') expect(got).toContain(rdpgw);
    }
    let extCount = 0;
    for (const r of ext ?? []) {
      for (const c of codesInCell(r[0] ?? '')) {
        expect(extendedDisconnectTable.find(c), `ext ${c}`).toBeDefined();
        extCount++;
      }
      if (/^\d+$/.test(r[0] ?? '')) expect(extendedDisconnectTable.find(Number(r[0]))?.name).toBe(r[1]);
    }
    expect(extCount).toBeGreaterThanOrEqual(13 + 2 + 12 + 1 + 2);
    // OnLogonError prose codes (4.14) are in the logon table.
    for (const n of ['STATUS_ACCOUNT_RESTRICTION', 'STATUS_LOGON_FAILURE', 'STATUS_PASSWORD_MUST_CHANGE', 'LOGON_FAILED_BAD_PASSWORD', 'LOGON_WARNING'])
      expect(logonErrorTable.byName(n).length).toBe(1);
    // rdpgw-only names quoted in prose.
    for (const [c, n] of [[0x3000018, 'ERROR_GATEWAY_TERMINATE'], [0x300001b, 'ERROR_SECURITY_GATEWAY_NOT_PERMITTED'], [0x300003f, 'ERROR_SESSION_ENDED'], [0x708, 'ERROR_CONSOLE_EXIST']] as const)
      expect(mstscDisconnectTable.find(c)?.name).toBe(n);
  });

  it('4.15 FreeRDP ERRCONNECT table', () => {
    const rows = codeRows(section('4.15'));
    expect(rows.length).toBe(30);
    for (const [codes, r] of rows) expect(freerdpErrconnectTable.find(codes[0]!)?.name).toBe(r[1]);
  });

  it('5.1 record versions and 5.4 cipher suites named in the text', () => {
    for (const m of section('5.1').matchAll(/0x(03[0-9A-F]{2}) ((?:SSL|TLS) \d\.\d)/g)) expect(tlsVersionTable.find(parseInt(m[1]!, 16))?.name).toBe(m[2]);
    const suites = [...(section('5.4').split('Cipher suites:')[1] ?? '').matchAll(/0x([0-9A-F]{4}) /g)].map((m) => parseInt(m[1]!, 16));
    expect(suites.length).toBeGreaterThanOrEqual(7);
    for (const c of suites) expect(tlsCipherSuiteTable.find(c), c.toString(16)).toBeDefined();
  });

  it('5.5 TLS alerts', () => {
    const rows = codeRows(section('5.5'));
    expect(rows.length).toBe(34);
    for (const [codes, r] of rows) expect(tlsAlertTable.find(codes[0]!)?.name).toBe((r[1] ?? '').split(' (')[0]);
  });

  it('6.2 NTSTATUS table', () => {
    const rows = codeRows(section('6.2'));
    expect(rows.length).toBe(24);
    for (const [codes, r] of rows) expect(ntstatusTable.find(codes[0]!)?.name).toBe(r[1]);
  });

  it('7.4 Kerberos error codes (incl. the 4 / 5, 62–66 and 70–76 rows)', () => {
    const rows = codeRows(section('7.4'));
    let n = 0;
    for (const [codes, r] of rows) {
      for (const c of codes) {
        expect(kerberosErrorTable.find(c), `krb ${c}`).toBeDefined();
        n++;
      }
      if (codes.length === 1) expect(kerberosErrorTable.find(codes[0]!)?.name).toBe(r[1]);
    }
    // 0-29, 31-42, 44-52, 60-76
    expect(n).toBe(68);
  });

  it('8.3 gateway error codes (both spellings)', () => {
    const rows = codeRows(section('8.3'));
    expect(rows.length).toBe(26);
    for (const [codes, r] of rows) {
      const got = names(eproxyTable, codes[0]!);
      expect(got.length, r[0]).toBeGreaterThan(0);
      expect(got.some((n) => (r[1] ?? '').includes(n)), `${r[0]} ${r[1]} vs ${got.join(',')}`).toBe(true);
    }
  });

  it('2.4 ICMPv4 destination-unreachable codes and 2.5 ICMPv6 types/codes', () => {
    const v4 = codeRows(section('2.4'));
    expect(v4.flatMap(([c]) => c).length).toBe(16);
    for (const [codes] of v4) for (const c of codes) expect(icmpv4CodeTable.find(icmpKey(3, c))).toBeDefined();
    const v6 = codeRows(section('2.5'));
    expect(v6.length).toBe(4);
    for (const [codes, r] of v6) {
      expect(icmpv6TypeTable.find(codes[0]!)?.name).toBe(r[1]);
      for (const m of (r[2] ?? '').matchAll(/(?:^|; )(\d) /g)) expect(icmpv6CodeTable.find(icmpKey(codes[0]!, Number(m[1])))).toBeDefined();
    }
  });

  it('section 11 unverified items are flagged verified:false', () => {
    const body = section('11');
    expect(body).toContain('SSL_ERR_');
    for (const c of [0x19, 0x1a]) expect(errinfoTable.find(c)?.verified).toBe(false);
    for (const c of [25, 26]) expect(extendedDisconnectTable.find(c)?.verified).toBe(false);
    for (const c of [0x807, 0xa07, 0xb07, 0xc07, 0xd07, 0xe07, 0xf07, 0x1207, 0x1307, 0x1607, 0x1707, 0x1807, 0x1b07, 0x1c07, 0x1d07, 0x2107, 0x2207, 0x708])
      expect(mstscDisconnectTable.find(c)?.verified, c.toString(16)).toBe(false);
    for (const e of mstscDisconnectTable.entries) if (e.code >= 0x3000001 && e.code <= 0x3000050) expect(e.verified).toBe(false);
  });
});
