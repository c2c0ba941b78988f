/**
 * Keyless phase inference against decrypted truth: every RDP connection of the lab captures that
 * have a key log (xfreerdp → xrdp / freerdp-shadow-cli, TLS 1.2 and 1.3) and of the awakecoding
 * captures with embedded secrets (Windows clients and servers: NTLM, Kerberos, smart card,
 * restricted admin, credential guard) is analysed twice: with its secrets (the phases are then
 * seen in the decrypted PDUs) and without (phases inferred from record sizes and directions).
 * Without keys, no phase may be claimed that the decrypted run did not see, and every phase the
 * decrypted run saw must be inferred at the same frame — except Demand Active, which is only
 * recognised by the client's Confirm Active answering it (a connection that dies in between stays
 * at licensing).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { CORPUS, HAVE_CORPUS } from '../../helpers/shared.js';
import { HAVE_LAB, LAB } from './oracle-lib.js';

const INSIDE_TLS = ['credssp', 'mcs', 'secure-settings', 'licensing', 'capabilities', 'active'];
const AWAKE = join(CORPUS, 'awakecoding__wireshark-rdp', 'captures');

interface Phase {
  name: string;
  frame: number;
  inferred: boolean;
}
interface RdpConn {
  id: number;
  protocol: string;
  phase: string | null;
  phases?: Phase[];
}

function jobs(): { file: string; keylogs: string[] }[] {
  const out: { file: string; keylogs: string[] }[] = [];
  if (HAVE_LAB) {
    for (const f of readdirSync(LAB).filter((x) => /-(client|server)\.pcapng$/.test(x))) {
      const k = join(LAB, f.replace(/-(client|server)\.pcapng$/, '.keylog'));
      if (existsSync(k)) out.push({ file: join(LAB, f), keylogs: [k] });
    }
  }
  if (HAVE_CORPUS && existsSync(AWAKE)) for (const f of readdirSync(AWAKE).filter((x) => x.endsWith('.pcapng'))) out.push({ file: join(AWAKE, f), keylogs: [] });
  return out;
}

describe.skipIf(!HAVE_LAB)('keyless phase inference against the decrypted phases', () => {
  it('claims nothing the decrypted run did not see, and infers what it saw at the same frame', async () => {
    let connections = 0;
    let compared = 0;
    const wrong: string[] = [];
    const missed: string[] = [];
    for (const j of jobs()) {
      const keyed = await analyzeFiles([j.file], { keylogs: j.keylogs, diagnose: false });
      const bare = await analyzeFiles([j.file], { decrypt: false, diagnose: false });
      const name = j.file.split('/').pop();
      for (const k of keyed.connections as unknown as RdpConn[]) {
        // Standard RDP Security (no TLS) shows MCS in the clear: nothing to infer.
        if (k.protocol !== 'rdp' || !k.phases || !k.phases.some((p) => p.name === 'tls')) continue;
        const seen = k.phases.filter((p) => INSIDE_TLS.includes(p.name) && !p.inferred);
        if (seen.length === 0) continue; // not decrypted: no truth
        connections++;
        const b = (bare.connections as unknown as RdpConn[]).find((x) => x.id === k.id)!;
        for (const p of b.phases ?? []) {
          if (!INSIDE_TLS.includes(p.name)) continue;
          expect(p.inferred, `${name} #${k.id} ${p.name} without keys`).toBe(true);
          const truth = k.phases.find((x) => x.name === p.name);
          if (!truth) wrong.push(`${name} #${k.id}: ${p.name} inferred at frame ${p.frame}, never reached`);
          else if (!truth.inferred && truth.frame !== p.frame) wrong.push(`${name} #${k.id}: ${p.name} inferred at ${p.frame}, seen at ${truth.frame}`);
        }
        for (const t of seen) {
          compared++;
          if (!(b.phases ?? []).some((p) => p.name === t.name)) missed.push(`${name} #${k.id} ${t.name}`);
        }
      }
    }
    expect(connections).toBeGreaterThanOrEqual(HAVE_CORPUS ? 30 : 10);
    expect(wrong).toEqual([]);
    // Only Demand Active of the 40 % loss capture (client and server side), which no Confirm Active answered.
    expect(missed.every((m) => /^packet-loss-40pct-(client|server)\.pcapng #\d+ capabilities$/.test(m)), missed.join('\n')).toBe(true);
    expect(missed.length).toBeLessThanOrEqual(2);
    expect(compared).toBeGreaterThan(100);
  }, 240_000);
});
