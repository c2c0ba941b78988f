/**
 * healthy.session-active and silence on healthy / non-RDP captures: no finding with a failure
 * cause at high confidence on the lab healthy-* captures, the awakecoding accepted/success
 * captures, and a sample of non-RDP corpus captures; and every finding id has its docs page.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocolRules } from '../../../../src/findings/rules/protocol.js';
import { AWAKE, byId, HAVE_LAB, HAVE_PUBLIC, HAVE_TSHARK, highFailures, labManifest, labPath, PUBLIC, REPO, run, tshark, TLS3389 } from './helpers.js';

describe('catalog', () => {
  it('every protocol finding id has a docs/findings page and a unique id', () => {
    const ids = protocolRules.flatMap((r) => r.kinds.map((k) => k.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(existsSync(path.join(REPO, 'docs', 'findings', `${id}.md`)), id).toBe(true);
  });
});

describe.skipIf(!HAVE_LAB)('lab healthy captures', () => {
  const healthy = labManifest().filter((c) => c.expectedCause === 'healthy' && c.side === 'client');
  it.each(healthy.map((c) => [c.file, c] as const))('%s: no high-confidence failure; RDP sessions are reported active', async (_f, c) => {
    const file = labPath(c.file);
    const keylogs = c.keylog && existsSync(labPath(c.keylog)) ? [labPath(c.keylog)] : [];
    const runs = [await run(file), ...(keylogs.length ? [await run(file, keylogs)] : [])];
    for (const r of runs) expect(highFailures(r).map((f) => f.id)).toEqual([]);
    // With keys the finalization is readable: the session must be reported active. (Without keys
    // activity is inferred from ≥ 20 KB of server data, which a short lab session may not reach.)
    const keyed = runs[1];
    if (keyed && keyed.ctx.conns.some((v) => v.protocol === 'rdp')) expect(byId(keyed, 'healthy.session-active').length).toBeGreaterThan(0);
    if (keylogs.length && HAVE_TSHARK && runs[1]!.ctx.conns.some((v) => v.protocol === 'rdp')) {
      // tshark (decrypted): the active phase comes after the server's Demand Active
      const da = tshark(file, 'rdp.pduType.type==1', ['frame.number'], [...TLS3389, '-o', `tls.keylog_file:${keylogs[0]}`]);
      const h = byId(runs[1]!, 'healthy.session-active');
      if (da.length) expect(h[0]!.frames[0]).toBeGreaterThan(Number(da[0]![0]));
    }
  });
});

describe.skipIf(!HAVE_PUBLIC)('awakecoding accepted / success captures (skipped without ../shared)', () => {
  const names = existsSync(AWAKE) ? readdirSync(AWAKE).filter((n) => /accepted|success/.test(n) && n.endsWith('.pcapng')) : [];
  it.each(names)('%s: healthy.session-active, no high-confidence failure', async (name) => {
    const r = await run(path.join(AWAKE, name));
    expect(highFailures(r).map((f) => `${f.id}:${f.detail.slice(0, 80)}`)).toEqual([]);
    expect(byId(r, 'healthy.session-active').length).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAVE_PUBLIC)('non-RDP corpus captures (skipped without ../shared)', () => {
  const sample = [
    'ntop__nDPI/tests/cfgs/default/pcap/kerberos.pcap',
    'zeek__zeek/testing/btest/Traces/krb/kinit.pcap',
    'idaholab__Malcolm-Test-Artifacts/pcap/protocols/KRB5.pcap',
    'sbousseaden__PCAP-ATTACK/CredAccess/CA_kerbrute_passwordspray_kerberos_AS-REQ.pcapng',
    'ntop__nDPI/tests/cfgs/default/pcap/tls_alert.pcap',
    'packetpioneer__youtube/tlsbroken.pcapng',
    'ntop__nDPI/tests/cfgs/default/pcap/smb_frags.pcap',
  ].filter((p) => existsSync(path.join(PUBLIC, p)));
  it.each(sample)('%s: no failure-cause finding at high confidence', async (p) => {
    const r = await run(path.join(PUBLIC, p));
    expect(highFailures(r).map((f) => f.id)).toEqual([]);
  });
});
