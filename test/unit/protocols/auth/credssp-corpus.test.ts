/**
 * CredSSP over decrypted TLS in real RDP NLA captures (awakecoding/wireshark-rdp: the pcapng
 * files carry TLS secrets, so tshark decrypts them), checked against tshark 4.0.17:
 * TSRequest version / errorCode / clientNonce / field presence, the NTLMSSP messages
 * (type, flags, user, domain, workstation, version, NT response length, MIC) and the
 * Kerberos messages (msg-type, error-code, ticket realm/sname) inside the negoTokens.
 */
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import { CredSspStreamDecoder } from '../../../../src/protocols/credssp/credssp-decoder.js';
import type { CredSspDecoderEvent } from '../../../../src/protocols/credssp/events.js';
import { canOracle, cap, fields, follow } from './oracle.js';

const DECODE_AS = ['-d', 'tcp.port==3389,tls'];
const FILES = [
  'rdp-nla-kerberos-auth1.pcapng',
  'rdp-nla-kerberos-auth2.pcapng',
  'rdp-nla-ntlm-rejected1.pcapng',
  'rdp-nla-ntlm-rejected2.pcapng',
  'rdp-nla-smartcard-auth1.pcapng',
  'rdp-nla-smartcard-auth2.pcapng',
  'rdp-credential-guard-accepted1.pcapng',
  'rdp-restricted-admin-accepted1.pcapng',
  'rdp-restricted-admin-rejected1.pcapng',
].map((f) => `awakecoding__wireshark-rdp/captures/${f}`);

const NAMES = [
  'frame.number',
  'tcp.stream',
  'tcp.srcport',
  'credssp.version',
  'credssp.errorCode',
  'credssp.clientNonce',
  'credssp.negoTokens',
  'credssp.authInfo',
  'credssp.pubKeyAuth',
  'ntlmssp.messagetype',
  'ntlmssp.negotiateflags',
  'ntlmssp.auth.username',
  'ntlmssp.auth.domain',
  'ntlmssp.auth.hostname',
  'ntlmssp.auth.ntresponse',
  'ntlmssp.authenticate.mic',
  'ntlmssp.version.major',
  'ntlmssp.version.minor',
  'ntlmssp.version.build_number',
  'kerberos.msg_type',
  'kerberos.error_code',
  'spnego.negResult',
] as const;
type Row = Record<(typeof NAMES)[number], string>;

function rows(file: string): Row[] {
  return fields(file, 'credssp', [...NAMES], DECODE_AS).map((r) => Object.fromEntries(NAMES.map((n, i) => [n, r[i] ?? ''])) as Row);
}

interface Summary {
  tsRequests: number;
  ntlm: number;
  krb: number;
  compared: number;
  ends: number;
  mismatches: string[];
}

function check(rel: string, s: Summary): void {
  const file = cap(rel);
  const theirs = rows(file);
  const streams = [...new Set(theirs.map((r) => Number(r['tcp.stream'])))];
  const tsr: Extract<CredSspDecoderEvent, { type: 'credssp.ts_request' }>[] = [];
  const ntlm: Extract<CredSspDecoderEvent, { type: `ntlm.${string}` }>[] = [];
  const krb: Extract<CredSspDecoderEvent, { type: `krb.${string}` }>[] = [];
  const issues: DecodeIssue[] = [];
  for (const stream of streams) {
    let ended = 0;
    const dec = new CredSspStreamDecoder(
      (e) => {
        if (e.type === 'analyzer.violation') issues.push(e);
        else if (e.type === 'credssp.ts_request') tsr.push(e);
        else if (e.type.startsWith('ntlm.')) ntlm.push(e as (typeof ntlm)[number]);
        else krb.push(e as (typeof krb)[number]);
      },
      { onEnd: () => ended++ },
    );
    // follow,tls node 0 is the client (it sent the first record).
    follow(file, 'tls', stream, DECODE_AS).forEach((c, i) => dec.push(c.dir, c.data, { frame: i + 1, ts: 0 }));
    s.ends += ended;
  }
  const cmp = (what: string, a: unknown, b: unknown): void => {
    s.compared++;
    if (JSON.stringify(a) !== JSON.stringify(b)) s.mismatches.push(`${rel} ${what}: tshark ${JSON.stringify(a)} ours ${JSON.stringify(b)}`);
  };
  expect(issues.map((i) => i.message)).toEqual([]);
  // One tshark row per frame; a frame may hold several TSRequests (comma-aggregated).
  const tVersions = theirs.flatMap((r) => r['credssp.version'].split(',').filter(Boolean).map(Number));
  cmp('TSRequest versions', tVersions, tsr.map((e) => e.version));
  s.tsRequests += tsr.length;
  const tDirs = theirs.flatMap((r) => r['credssp.version'].split(',').filter(Boolean).map(() => (r['tcp.srcport'] === '3389' ? 1 : 0)));
  cmp('TSRequest directions', tDirs, tsr.map((e) => e.dir));
  const tErr = theirs.flatMap((r) => r['credssp.errorCode'].split(',').filter(Boolean).map((v) => Number(v) >>> 0));
  cmp('errorCodes', tErr, tsr.filter((e) => e.errorCode !== undefined).map((e) => e.errorCode));
  cmp('clientNonce count', theirs.flatMap((r) => r['credssp.clientNonce'].split(',').filter(Boolean)).length, tsr.filter((e) => e.hasClientNonce).length);
  cmp('authInfo count', theirs.flatMap((r) => r['credssp.authInfo'].split(',').filter(Boolean)).length, tsr.filter((e) => e.fields.includes('authInfo')).length);
  cmp('pubKeyAuth count', theirs.flatMap((r) => r['credssp.pubKeyAuth'].split(',').filter(Boolean)).length, tsr.filter((e) => e.fields.includes('pubKeyAuth')).length);
  cmp('negoTokens count', theirs.flatMap((r) => r['credssp.negoTokens'].split(',').filter(Boolean)).length, tsr.filter((e) => e.fields.includes('negoTokens')).length);
  // NTLMSSP
  const tN = theirs.filter((r) => r['ntlmssp.messagetype']);
  cmp('NTLM message types', tN.map((r) => Number(r['ntlmssp.messagetype'])), ntlm.map((e) => ({ 'ntlm.negotiate': 1, 'ntlm.challenge': 2, 'ntlm.authenticate': 3 })[e.type]));
  cmp('NTLM flags', tN.map((r) => Number(r['ntlmssp.negotiateflags'])), ntlm.map((e) => e.flags));
  cmp('NTLM versions', tN.map((r) => (r['ntlmssp.version.major'] ? `${r['ntlmssp.version.major']}.${r['ntlmssp.version.minor']}.${r['ntlmssp.version.build_number']}` : '')), ntlm.map((e) => (e.version ? `${e.version.major}.${e.version.minor}.${e.version.build}` : '')));
  const tA = tN.filter((r) => r['ntlmssp.messagetype'] === '0x00000003');
  const oA = ntlm.filter((e) => e.type === 'ntlm.authenticate');
  const NULL = (v: string): string => (v === 'NULL' ? '' : v);
  cmp('NTLM user', tA.map((r) => NULL(r['ntlmssp.auth.username'])), oA.map((e) => e.userName));
  cmp('NTLM domain', tA.map((r) => NULL(r['ntlmssp.auth.domain'])), oA.map((e) => e.domainName));
  cmp('NTLM workstation', tA.map((r) => NULL(r['ntlmssp.auth.hostname'])), oA.map((e) => e.workstation));
  cmp('NTLM NT response length', tA.map((r) => r['ntlmssp.auth.ntresponse'].replace(/:/g, '').length / 2), oA.map((e) => e.ntResponseLength));
  cmp('NTLM MIC', tA.map((r) => r['ntlmssp.authenticate.mic'] !== ''), oA.map((e) => e.hasMic));
  s.ntlm += ntlm.length;
  // Kerberos inside SPNEGO (tshark: only messages with an application tag it names).
  const tK = theirs.flatMap((r) => r['kerberos.msg_type'].split(',').filter(Boolean).map(Number));
  const KT: Record<string, number> = { 'krb.ap_req': 14, 'krb.ap_rep': 15, 'krb.error': 30, 'krb.tgt_req': 16, 'krb.tgt_rep': 17 };
  cmp('Kerberos msg types', tK, krb.map((e) => KT[e.type] ?? -1));
  cmp('Kerberos error codes', theirs.flatMap((r) => r['kerberos.error_code'].split(',').filter(Boolean).map(Number)), krb.flatMap((e) => (e.type === 'krb.error' ? [e.errorCode] : [])));
  const tNeg = theirs.flatMap((r) => r['spnego.negResult'].split(',').filter(Boolean).map(Number));
  cmp('SPNEGO negState', tNeg, tsr.filter((e) => e.negState !== undefined).map((e) => e.negState));
  s.krb += krb.length;
}

describe.skipIf(!canOracle)('CredSSP stream decoder vs tshark (decrypted RDP NLA captures)', () => {
  it('agrees with tshark on every TSRequest and inner NTLM/Kerberos message', () => {
    const s: Summary = { tsRequests: 0, ntlm: 0, krb: 0, compared: 0, ends: 0, mismatches: [] };
    for (const f of FILES) check(f, s);
    console.log(`CredSSP corpus: ${FILES.length} captures, ${s.tsRequests} TSRequests, ${s.ntlm} NTLM and ${s.krb} Kerberos messages, ${s.compared} field lists compared, ${s.mismatches.length} mismatches, ${s.ends} CredSSP ends (handover) seen`);
    expect(s.mismatches).toEqual([]);
    expect(s.tsRequests).toBeGreaterThan(30);
    expect(s.ends).toBeGreaterThan(3);
  });
});
