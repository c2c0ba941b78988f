/**
 * RdpPduDecoder over decrypted plaintext: the awakecoding captures carry their TLS secrets in a
 * pcapng Decryption Secrets Block; tshark decrypts them (`-d tcp.port==3389,tls`) and is the oracle
 * for Client Info, licensing, Demand/Confirm Active, finalization and Set Error Info.
 * Plus hand-built share/security/licensing/MCS fixtures (built from MS-RDPBCGR layouts),
 * every-prefix truncation, malformed input and chunk-split invariance.
 */
import { describe, expect, it } from 'vitest';
import { parseDomainPdu } from '../../../../src/protocols/rdp/mcs.js';
import { parseGccClientData, parseGccServerData } from '../../../../src/protocols/rdp/gcc.js';
import { parseClientInfo } from '../../../../src/protocols/rdp/security.js';
import { parseSharePdus, type SharePdu } from '../../../../src/protocols/rdp/share.js';
import { parseLicensePdu } from '../../../../src/protocols/rdp/licensing.js';
import { parseEarlyUserAuthResult } from '../../../../src/protocols/rdp/early-auth.js';
import { flatten, hex, ofType, randomSplit, runPdu, splitAt, type AnyEvent } from './helpers/run.js';
import { HAVE_PUBLIC, HAVE_TSHARK, fieldRows, followTls, pub, stripCredSsp, type Chunk } from './helpers/tshark-streams.js';

const DECRYPTED = [
  'awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth1.pcapng',
  'awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth2.pcapng',
  'awakecoding__wireshark-rdp/captures/rdp-no-nla-accepted1.pcapng',
  'awakecoding__wireshark-rdp/captures/rdp-restricted-admin-rejected1.pcapng',
  'awakecoding__wireshark-rdp/captures/rdp-credential-guard-accepted1.pcapng',
];
const TLS_ARGS = ['-d', 'tcp.port==3389,tls'];

function decrypted(rel: string): Chunk[] {
  return stripCredSsp(followTls(pub(rel), 0));
}

/** tshark values of `field` over the decrypted PDUs, in order. */
function values(rel: string, filter: string, field: string): string[] {
  return fieldRows(pub(rel), filter, [field], TLS_ARGS).flatMap((r) => (r[0] ?? '').split('|')).filter((v) => v !== '');
}
const num = (s: string): number => (s.startsWith('0x') ? parseInt(s, 16) : Number(s));

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('RdpPduDecoder vs tshark on decrypted awakecoding captures', () => {
  const tally = { checks: 0, agree: 0 };
  const cmp = (ours: unknown, theirs: unknown, what: string): void => {
    tally.checks++;
    if (JSON.stringify(ours) === JSON.stringify(theirs)) tally.agree++;
    expect(ours, what).toEqual(theirs);
  };
  for (const rel of DECRYPTED) {
    it(rel.split('/').pop()!, () => {
      const ev = runPdu(decrypted(rel));
      expect(ev.filter((e) => e.type === 'analyzer.violation')).toEqual([]);
      expect(ev.every((e) => (e as { decrypted?: boolean }).decrypted === true || e.type === 'analyzer.violation')).toBe(true);
      const ci = ofType(ev, 'rdp.mcs_connect_initial');
      cmp(ci.map((e) => e.clientCore?.clientName), values(rel, 'rdp.client.name', 'rdp.client.name'), 'clientName');
      cmp(ci.map((e) => e.clientCore?.clientBuild), values(rel, 'rdp.client.build', 'rdp.client.build').map(num), 'clientBuild');
      cmp(ci.flatMap((e) => e.channels.map((c) => c.name)), values(rel, 'rdp.client.name', 'rdp.name'), 'channel names');
      const info = ofType(ev, 'rdp.client_info');
      cmp(info.map((e) => e.userName), values(rel, 'rdp.userName', 'rdp.userName'), 'userName');
      cmp(info.map((e) => e.flags), values(rel, 'rdp.userName', 'rdp.optionFlags').map(num), 'Client Info flags');
      cmp(info.map((e) => e.passwordLength), values(rel, 'rdp.userName', 'rdp.password.length').map(num), 'cbPassword');
      const lic = ofType(ev, 'rdp.license');
      cmp(lic.map((e) => e.errorCode), values(rel, 'rdp.errorCode', 'rdp.errorCode').map(num), 'license errorCode');
      cmp(lic.map((e) => e.stateTransition), values(rel, 'rdp.errorCode', 'rdp.stateTransition').map(num), 'license stateTransition');
      const da = ofType(ev, 'rdp.demand_active');
      const ca = ofType(ev, 'rdp.confirm_active');
      cmp([...da, ...ca].map((e) => e.numberCapabilities).sort(), values(rel, 'rdp.numberCapabilities', 'rdp.numberCapabilities').map(num).sort(), 'numberCapabilities');
      cmp([...da, ...ca].map((e) => e.sourceDescriptor).sort(), values(rel, 'rdp.numberCapabilities', 'rdp.sourceDescriptor').sort(), 'sourceDescriptor');
      const fin = ofType(ev, 'rdp.finalization');
      const code = { synchronize: 31, control: 20, font_list: 39, font_map: 40 } as const;
      cmp(
        fin.map((e) => code[e.pdu]).sort(),
        values(rel, 'rdp.pduType2==31 || rdp.pduType2==20 || rdp.pduType2==39 || rdp.pduType2==40', 'rdp.pduType2').map(num).sort(),
        'finalization PDUs',
      );
      cmp(fin.filter((e) => e.pdu === 'control').map((e) => e.action).sort(), values(rel, 'rdp.pduType2 == 20', 'rdp.action').map(num).sort(), 'control actions');
      // Set Error Info: tshark 4.0 has no errorInfo field; read it from the last 4 bytes of rdp.shareControlHeader.
      const sei = values(rel, 'rdp.pduType2 == 47', 'rdp.shareControlHeader').map((h) => {
        const b = hex(h);
        return new DataView(b.buffer).getUint32(b.length - 4, true);
      });
      cmp(ofType(ev, 'rdp.set_error_info').map((e) => e.errorInfo), sei, 'errorInfo');
      cmp(ofType(ev, 'rdp.save_session_info').length, values(rel, 'rdp.pduType2 == 38', 'rdp.pduType2').length, 'Save Session Info count');
      const dpu = ofType(ev, 'rdp.mcs_dpu').map((e) => e.reason);
      cmp(dpu, values(rel, 't124.DomainMCSPDU == 8', 't124.reason').map(num), 'DPU reason');
    });
  }
  it('HYBRID_EX captures: the Early User Authorization Result is recognised (tshark shows 00000000 after CredSSP)', () => {
    const ev = runPdu(decrypted(DECRYPTED[0]!));
    expect(ev[0]).toMatchObject({ type: 'rdp.early_user_auth', dir: 1, result: 0, decrypted: true });
    expect(ofType(runPdu(decrypted('awakecoding__wireshark-rdp/captures/rdp-no-nla-accepted1.pcapng')), 'rdp.early_user_auth')).toEqual([]);
  });
  it('restricted-admin-rejected1: server ends with Set Error Info 0x0B then DPU', () => {
    const ev = runPdu(decrypted('awakecoding__wireshark-rdp/captures/rdp-restricted-admin-rejected1.pcapng')).filter((e) => e.type !== 'rdp.fastpath');
    expect(ev.slice(-2)).toMatchObject([
      { type: 'rdp.set_error_info', errorInfo: 0x0b, dir: 1 },
      { type: 'rdp.mcs_dpu', reason: 3 },
    ]);
  });
  it('chunk-split invariance on decrypted plaintext (every offset over the connection phase, random splits)', () => {
    const chunks = decrypted(DECRYPTED[0]!).slice(0, 60);
    const base = runPdu(flatten(chunks));
    expect(base.length).toBeGreaterThan(30);
    const total = chunks.reduce((a, c) => a + c.data.length, 0);
    for (let at = 1; at < Math.min(total, 3000); at++) expect(runPdu(flatten(splitAt(chunks, at)))).toEqual(base);
    for (let seed = 1; seed <= 10; seed++) expect(runPdu(flatten(randomSplit(chunks, seed, seed * 5)))).toEqual(base);
    expect(runPdu(flatten(randomSplit(chunks, 3, 1)))).toEqual(base);
  });
  it('reports the agreement figure', () => {
    console.log(`decrypted tshark agreement: ${tally.agree}/${tally.checks} comparisons over ${DECRYPTED.length} captures`);
    expect(tally.agree).toBe(tally.checks);
  });
});

// ------------------------------------------------------------------ hand-built fixtures

/** Wraps MCS bytes in TPKT + X.224 DT. */
function dt(mcs: Uint8Array): Uint8Array {
  const out = new Uint8Array(7 + mcs.length);
  out.set([3, 0, (out.length >> 8) & 0xff, out.length & 0xff, 2, 0xf0, 0x80]);
  out.set(mcs, 7);
  return out;
}
/** MCS Send Data Indication on channel 1003 from initiator 1002 (user 2003) around `user`. */
function sdin(user: Uint8Array): Uint8Array {
  const len = user.length < 0x80 ? [user.length] : [0x80 | (user.length >> 8), user.length & 0xff];
  return dt(new Uint8Array([0x68, 0x03, 0xe9, 0x03, 0xeb, 0x70, ...len, ...user]));
}
/** Share Data PDU (control header + data header) with body. */
function shareData(pduType2: number, body: number[]): Uint8Array {
  const total = 18 + body.length;
  return new Uint8Array([total & 0xff, total >> 8, 0x17, 0x00, 0xea, 0x03, 0xea, 0x03, 0x01, 0x00, 0x00, 0x01, total & 0xff, total >> 8, pduType2, 0, 0, 0, ...body]);
}
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

/** Set Error Info ERRINFO_SERVER_DENIED_CONNECTION (7) — protocol-facts 4.12 layout. */
const SET_ERROR_INFO_7 = sdin(shareData(0x2f, u32(7)));
/** Save Session Info LOGON_EXTENDED_INFO with Logon Errors (LOGON_MSG_SESSION_BUSY_OPTIONS, data 1). */
const SAVE_SESSION_LOGON_ERRORS = sdin(shareData(0x26, [...u32(3), 14, 0, ...u32(2), ...u32(8), ...u32(0xfffffff8), ...u32(1)]));
/** Licensing ERROR_ALERT (security header SEC_LICENSE_PKT) ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT. */
const LICENSE_ERROR = sdin(new Uint8Array([0x80, 0, 0, 0, 0xff, 0x03, 0x10, 0x00, ...u32(6), ...u32(1), 4, 0, 0, 0]));
/** Deactivate All: shareId 0x103ea, lengthSourceDescriptor 1. */
const DEACTIVATE_ALL = sdin(new Uint8Array([13, 0, 0x16, 0, 0xea, 0x03, 0xea, 0x03, 0x01, 0x00, 1, 0, 0]));
/** Status Info 0x401 (finding destination). */
const STATUS_INFO = sdin(shareData(0x36, u32(0x401)));
/** Client Info (TLS: SEC_INFO_PKT only), unicode, domain "D", user "bob", password "pw". */
const CLIENT_INFO = (() => {
  const utf16 = (s: string): number[] => [...s].flatMap((c) => [c.charCodeAt(0), 0]);
  const body = [
    ...u32(0x409), ...u32(0x10 | 0x1), 2, 0, 6, 0, 4, 0, 0, 0, 0, 0,
    ...utf16('D'), 0, 0, ...utf16('bob'), 0, 0, ...utf16('pw'), 0, 0, 0, 0, 0, 0,
  ];
  return sdin(new Uint8Array([0x40, 0, 0, 0, ...body]));
})();

describe('hand-built share / security / licensing PDUs', () => {
  const one = (pdu: Uint8Array, dir: 0 | 1 = 1): AnyEvent[] => runPdu([{ dir, frame: 7, ts: 1, data: pdu }], { decrypted: true });
  it('Set Error Info 7 (server denied the connection)', () => {
    expect(one(SET_ERROR_INFO_7)).toEqual([{ type: 'rdp.set_error_info', frame: 7, ts: 1, dir: 1, decrypted: true, errorInfo: 7 }]);
  });
  it('Save Session Info with Logon Errors', () => {
    expect(one(SAVE_SESSION_LOGON_ERRORS)).toEqual([
      expect.objectContaining({ type: 'rdp.save_session_info', infoType: 3, fieldsPresent: 2, logonErrorType: 0xfffffff8, logonErrorData: 1 }),
    ]);
  });
  it('licensing ERROR_ALERT', () => {
    expect(one(LICENSE_ERROR)).toEqual([expect.objectContaining({ type: 'rdp.license', msgType: 0xff, errorCode: 6, stateTransition: 1, secFlags: 0x80 })]);
  });
  it('Deactivate All and Status Info', () => {
    expect(one(DEACTIVATE_ALL)).toEqual([expect.objectContaining({ type: 'rdp.deactivate_all', shareId: 0x103ea, pduSource: 1002 })]);
    expect(one(STATUS_INFO)).toEqual([expect.objectContaining({ type: 'rdp.status_info', statusCode: 0x401 })]);
  });
  it('Client Info: strings decoded, password never kept', () => {
    const [e] = one(CLIENT_INFO, 0);
    expect(e).toMatchObject({ type: 'rdp.client_info', dir: 0, domain: 'D', userName: 'bob', passwordLength: 4, unicode: true, truncated: false });
    expect(JSON.stringify(e)).not.toContain('pw');
  });
  it('Early User Authorization Result 5 (access denied), then TPKT PDUs', () => {
    const ev = runPdu([{ dir: 1, frame: 3, ts: 0, data: new Uint8Array([5, 0, 0, 0, ...dt(new Uint8Array([0x21, 0x80]))]) }]);
    expect(ev.map((e) => e.type)).toEqual(['rdp.early_user_auth', 'rdp.mcs_dpu']);
    expect(ev[0]).toMatchObject({ result: 5 });
    expect(parseEarlyUserAuthResult(new Uint8Array([5, 0, 0]), 0, 3)).toBe(-1);
  });
  it('MCS domain PDUs from protocol-facts 4.7 / 4.11 byte examples', () => {
    const p = (h: string): unknown => {
      const b = hex(h);
      return parseDomainPdu(b, 0, b.length);
    };
    expect(p('04 01 00 01 00')).toEqual({ kind: 'erect_domain', subHeight: 0, subInterval: 0 });
    expect(p('20 80')).toEqual({ kind: 'dpu', reason: 1 });
    expect(p('21 80')).toEqual({ kind: 'dpu', reason: 3 });
    expect(p('22 00')).toEqual({ kind: 'dpu', reason: 4 });
    expect(p('2e 00 00 06')).toEqual({ kind: 'attach_user_confirm', result: 0, userId: 1007 });
    expect(p('2c 0e')).toEqual({ kind: 'attach_user_confirm', result: 14 });
    expect(p('3e 00 00 06 03 eb 03 eb')).toEqual({ kind: 'channel_join_confirm', result: 0, userId: 1007, requestedChannelId: 1003, channelId: 1003 });
    expect(p('3c 0b 00 06 03 ef')).toEqual({ kind: 'channel_join_confirm', result: 11, userId: 1007, requestedChannelId: 1007 });
    expect(p('34 00')).toEqual({ kind: 'other', choice: 13 });
  });
  it('every prefix of each fixture: no event before the PDU is whole, and no throw', () => {
    for (const pdu of [SET_ERROR_INFO_7, SAVE_SESSION_LOGON_ERRORS, LICENSE_ERROR, DEACTIVATE_ALL, STATUS_INFO, CLIENT_INFO]) {
      for (let n = 1; n < pdu.length; n++) {
        const ev = runPdu([{ dir: 1, frame: 1, ts: 0, data: pdu.subarray(0, n) }], { expectEarlyUserAuth: false });
        expect(ev.filter((e) => e.type !== 'analyzer.violation' && e.type !== 'rdp.early_user_auth')).toEqual([]);
      }
    }
  });
  it('parsers on every prefix of their input never throw and flag truncation', () => {
    const body = CLIENT_INFO.subarray(15);
    for (let n = 0; n <= body.length; n++) {
      const r = parseClientInfo(body, 4, n);
      if (!('error' in r) && n < body.length) expect(r.truncated || r.workingDir === '').toBe(true);
    }
    for (const pdu of [SET_ERROR_INFO_7, SAVE_SESSION_LOGON_ERRORS, DEACTIVATE_ALL, STATUS_INFO]) {
      const user = pdu.subarray(10);
      for (let n = 0; n <= user.length; n++) {
        const got: SharePdu[] = [];
        expect(() => parseSharePdus(user, 0, n, (x) => got.push(x))).not.toThrow();
        if (n < 18) expect(got).toEqual([]);
      }
    }
    const lic = LICENSE_ERROR.subarray(14);
    for (let n = 0; n < 12; n++) expect('error' in parseLicensePdu(lic, 0, n) || n >= 4).toBe(true);
  });
  it('malformed share / GCC data never throws and is reported', () => {
    const bad = sdin(new Uint8Array([0x03, 0x00, 0x17, 0x00, 0xea, 0x03])); // totalLength 3 < 6
    expect(runPdu([{ dir: 1, frame: 1, ts: 0, data: new Uint8Array([0x03, 0, 0, 7, 2, 0xf0, 0x80]) }, { dir: 1, frame: 2, ts: 0, data: bad }])).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'analyzer.violation' })]),
    );
    const junk = hex('00 05 00 14 7c 00 01 81 2a 00 08 00 10 00 01 c0 00 44 75 63 61 81 1c 01 c0 ff 00 04 00');
    const g = parseGccClientData(junk, 0, junk.length);
    expect(g.found).toBe(true);
    expect(g.warnings.length).toBeGreaterThan(0);
    expect(parseGccServerData(junk, 0, junk.length).found).toBe(false);
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 3000; i++) {
      const n = 8 + Math.floor(rnd() * 80);
      const b = new Uint8Array(n);
      for (let j = 0; j < n; j++) b[j] = Math.floor(rnd() * 256);
      expect(() => runPdu([{ dir: 1, frame: 1, ts: 0, data: sdin(b) }])).not.toThrow();
      expect(() => runPdu([{ dir: 0, frame: 1, ts: 0, data: dt(b) }])).not.toThrow();
      expect(() => parseGccClientData(b, 0, b.length)).not.toThrow();
    }
  });
});
