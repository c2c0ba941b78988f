/**
 * NTLMSSP (MS-NLMP 2.2.1) and SPNEGO/GSS (RFC 4178, RFC 2743) on hand-built fixtures, plus
 * every-prefix truncation on real tokens read from the corpus at run time.
 */
import { describe, expect, it } from 'vitest';
import { decodeAuthToken } from '../../../../src/protocols/credssp/auth-token.js';
import { GssOid, unwrapAuthToken } from '../../../../src/protocols/credssp/spnego.js';
import { parseNtlmssp } from '../../../../src/protocols/ntlm/ntlmssp.js';
import { parseTsRequest } from '../../../../src/protocols/credssp/ts-request.js';
import { app, cat, ctx, oid, octets, seq, tlv } from './build.js';
import { canOracle, cap, follow } from './oracle.js';

const u16 = (v: number): number[] => [v & 255, v >> 8];
const u32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
const utf16 = (s: string): number[] => [...Buffer.from(s, 'utf16le')];
const SIG = [...Buffer.from('NTLMSSP\0', 'latin1')];

/** AUTHENTICATE per MS-NLMP 2.2.1.3 with Version and MIC, NTLMv2 response carrying AV pairs. */
function authenticate(opts: { unicode?: boolean; v2?: boolean; mic?: boolean } = {}): Uint8Array {
  const unicode = opts.unicode ?? true;
  const enc = (s: string): number[] => (unicode ? utf16(s) : [...Buffer.from(s, 'latin1')]);
  const dom = enc('CORP');
  const user = enc('alice');
  const ws = enc('PC1');
  const av = [
    ...u16(9), ...u16(utf16('TERMSRV/host').length), ...utf16('TERMSRV/host'),
    ...u16(6), ...u16(4), ...u32(opts.mic ? 2 : 0),
    ...u16(0), ...u16(0),
  ];
  const nt = opts.v2 === false ? new Array(24).fill(1) : [...new Array(16).fill(2), 1, 1, 0, 0, 0, 0, 0, 0, ...new Array(8).fill(3), ...new Array(8).fill(4), 0, 0, 0, 0, ...av];
  const lm = new Array(24).fill(0);
  const fixed = 88;
  let off = fixed;
  const desc = (b: number[]): number[] => {
    const d = [...u16(b.length), ...u16(b.length), ...u32(off)];
    off += b.length;
    return d;
  };
  const flags = 0xe2888215 | (unicode ? 1 : 0);
  const head = [...SIG, ...u32(3), ...desc(lm), ...desc(nt), ...desc(dom), ...desc(user), ...desc(ws), ...desc([]), ...u32(unicode ? flags : flags & ~1)];
  return Uint8Array.from([...head, 10, 0, ...u16(19041), 0, 0, 0, 15, ...new Array(16).fill(9), ...lm, ...nt, ...dom, ...user, ...ws]);
}

describe('NTLMSSP', () => {
  it('AUTHENTICATE: names, NTLMv2, MIC, version, SPN from the v2 blob', () => {
    const m = parseNtlmssp(authenticate({ mic: true }));
    expect(m).toMatchObject({
      messageType: 3,
      domainName: 'CORP',
      userName: 'alice',
      workstation: 'PC1',
      ntlmVersion: 2,
      hasMic: true,
      lmResponseLength: 24,
      version: { major: 10, minor: 0, build: 19041, revision: 15 },
      v2Info: { targetName: 'TERMSRV/host', flags: 2 },
      problems: [],
    });
    expect(parseNtlmssp(authenticate({ mic: false }))).toMatchObject({ hasMic: false });
    expect(parseNtlmssp(authenticate({ v2: false }))).toMatchObject({ ntlmVersion: 1, ntResponseLength: 24, hasMic: false });
    expect(parseNtlmssp(authenticate({ unicode: false }))).toMatchObject({ userName: 'alice', domainName: 'CORP' });
  });
  it('NEGOTIATE and CHALLENGE', () => {
    const neg = Uint8Array.from([...SIG, ...u32(1), ...u32(0xe2088297), ...u16(0), ...u16(0), ...u32(40), ...u16(0), ...u16(0), ...u32(40), 10, 0, 0x61, 0x4a, 0, 0, 0, 15]);
    expect(parseNtlmssp(neg)).toMatchObject({ messageType: 1, flags: 0xe2088297, version: { build: 19041 } });
    const tname = utf16('CORP');
    const ti = [...u16(2), ...u16(tname.length), ...tname, ...u16(0), ...u16(0)];
    const ch = Uint8Array.from([...SIG, ...u32(2), ...u16(tname.length), ...u16(tname.length), ...u32(56), ...u32(0xe28a8215), ...new Array(16).fill(0), ...u16(ti.length), ...u16(ti.length), ...u32(56 + tname.length), 6, 1, 0xb1, 0x1d, 0, 0, 0, 15, ...tname, ...ti]);
    expect(parseNtlmssp(ch)).toMatchObject({ messageType: 2, targetName: 'CORP', targetInfo: { nbDomainName: 'CORP' }, version: { major: 6, minor: 1, build: 7601 } });
  });
  it('every prefix of the fixed part → null; descriptors past the end → problems, no throw', () => {
    const a = authenticate({ mic: true });
    for (let n = 0; n < 64; n++) expect(parseNtlmssp(a.subarray(0, n))).toBeNull();
    for (let n = 64; n < a.length; n++) {
      const m = parseNtlmssp(a.subarray(0, n));
      expect(m?.messageType).toBe(3);
      expect(m!.problems.length).toBeGreaterThan(0);
    }
    const bad = a.slice();
    bad.set(u32(0xfffffff0), 36 + 4); // UserName offset far away
    expect(parseNtlmssp(bad)?.problems).toContain('UserName points outside the message');
    expect(parseNtlmssp(Uint8Array.from([...SIG, ...u32(9), 0, 0, 0, 0]))).toBeNull();
  });
});

describe('SPNEGO / GSS', () => {
  const ntlmNeg = Uint8Array.from([...SIG, ...u32(1), ...u32(0xe2088297), ...new Array(16).fill(0)]);
  const init = app(0, oid(GssOid.SPNEGO), ctx(0, seq(ctx(0, seq(oid(GssOid.NTLMSSP), oid(GssOid.KRB5))), ctx(2, octets(ntlmNeg)))));
  const resp = ctx(1, seq(ctx(0, tlv(0x0a, [2])), ctx(1, oid(GssOid.NTLMSSP))));
  it('NegTokenInit in the GSS wrapper with an NTLM mechToken', () => {
    const u = unwrapAuthToken(init);
    expect(u?.outer).toBe('spnego');
    expect(u?.spnego).toMatchObject({ kind: 'negTokenInit', mechTypes: [GssOid.NTLMSSP, GssOid.KRB5] });
    expect(u?.mech?.kind).toBe('ntlm');
    const d = decodeAuthToken(init, { frame: 1, ts: 0 });
    expect([d.tokenKind, d.events.map((e) => e.type)]).toEqual(['ntlm', ['ntlm.negotiate']]);
  });
  it('NegTokenResp reject without a token; GSS-framed Kerberos; raw NTLM', () => {
    expect(unwrapAuthToken(resp)).toMatchObject({ outer: 'spnego', spnego: { kind: 'negTokenResp', negState: 2, supportedMech: GssOid.NTLMSSP } });
    expect(decodeAuthToken(resp, { frame: 1, ts: 0 }).tokenKind).toBe('spnego');
    const krb = app(0, oid(GssOid.KRB5), [0x03, 0x00], [0x7e, 0x00]);
    expect(unwrapAuthToken(krb)?.mech).toMatchObject({ kind: 'kerberos', tokId: 0x0300, oid: GssOid.KRB5 });
    expect(decodeAuthToken(krb, { frame: 1, ts: 0 }).problems.length).toBe(1);
    expect(unwrapAuthToken(ntlmNeg)).toMatchObject({ outer: 'ntlm' });
    expect(unwrapAuthToken(Uint8Array.from([1, 2, 3]))).toMatchObject({ outer: 'unknown' });
  });
  it('every prefix of a wrapped token: null or no mechanism message, never a throw', () => {
    for (let n = 0; n < init.length; n++) {
      const u = unwrapAuthToken(init.subarray(0, n));
      expect(u === null || u.mech === undefined || u.outer !== 'spnego').toBe(true);
      expect(() => decodeAuthToken(init.subarray(0, n), { frame: 1, ts: 0 })).not.toThrow();
    }
  });
});

describe.skipIf(!canOracle)('real NTLM / SPNEGO-Kerberos tokens (corpus, read at run time)', () => {
  it('every prefix of real TSRequests, NTLM AUTHENTICATE and SPNEGO tokens fails cleanly', () => {
    for (const name of ['rdp-nla-ntlm-rejected2.pcapng', 'rdp-nla-kerberos-auth1.pcapng']) {
      const chunks = follow(cap(`awakecoding__wireshark-rdp/captures/${name}`), 'tls', 0, ['-d', 'tcp.port==3389,tls']);
      let checked = 0;
      for (const c of chunks.slice(0, 6)) {
        const r = parseTsRequest(c.data);
        if (!r.ok) continue;
        checked++;
        for (let n = 0; n < c.data.length; n++) expect(parseTsRequest(c.data.subarray(0, n)).ok).toBe(false);
        for (const tok of r.value.negoTokens) {
          const full = decodeAuthToken(tok, { frame: 1, ts: 0 });
          expect(full.problems).toEqual([]);
          for (let n = 0; n < tok.length; n++) {
            const d = decodeAuthToken(tok.subarray(0, n), { frame: 1, ts: 0 });
            // A prefix may still frame as NTLM (descriptors then point past the end → problems)
            // but never decodes cleanly with the same events.
            if (d.problems.length === 0) expect(d.events.length).toBeLessThan(Math.max(1, full.events.length));
          }
        }
      }
      expect(checked).toBeGreaterThan(2);
    }
  });
});
void cat;
