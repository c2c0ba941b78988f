/**
 * Keyless phase inference against decrypted truth: every RDP connection of the lab captures that
 * have a key log (xfreerdp → xrdp / freerdp-shadow-cli, TLS 1.2 and 1.3) and of the awakecoding
 * captures with embedded secrets (Windows clients and servers: NTLM, Kerberos, smart card,
 * restricted admin, credential guard) is analysed twice: with its secrets (the phases are then
 * seen in the decrypted PDUs) and without (phases inferred from record sizes and directions).
 * Without keys, no phase may be claimed that the decrypted run did not see, and every phase the
 * decrypted run saw must be inferred at the same frame — except Demand Active, which is only
 * recognised by the client's Confirm Active answering it (a connection that dies in between stays
 * at licensing: a broker's Server Redirection PDU comes in the same place and looks the same).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { CORPUS, HAVE_CORPUS, HAVE_TSHARK } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';
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
    // Only Demand Actives that no Confirm Active answered: the 40 % loss capture, and the server's own reset
    // right after its Demand Active (vantage-server-rst, at every capture point).
    expect(missed.every((m) => /^(packet-loss-40pct|vantage-server-rst)-(client|server|router)\.pcapng #\d+ capabilities$/.test(m)), missed.join('\n')).toBe(true);
    expect(missed.length).toBeLessThanOrEqual(5);
    expect(compared).toBeGreaterThan(100);
  }, 240_000);
});

/** The phases of a capture's (only) RDP connection analysed without keys, by name. */
async function keylessPhases(file: string): Promise<(name: string) => Phase | undefined> {
  const r = await analyzeFiles([file], { decrypt: false, diagnose: false });
  const c = (r.connections as unknown as RdpConn[]).find((x) => x.protocol === 'rdp')!;
  return (name) => c.phases?.find((p) => p.name === name);
}

// rdp-ssl.pcap (Wireshark sample captures; a Windows server, TLS 1.0 AES-128-CBC-SHA, no key to decrypt it):
// its licensing is the full exchange; the expected frames are the record sizes on the wire as tshark lists
// them, read against the MS-RDPBCGR connection sequence by hand (not an independent decryption). Checked
// here first, then the keyless phases.
const RDP_SSL = join(CORPUS, 'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/rdp-ssl.pcap');
const WIRE: [frame: number, from: 'c' | 's', lengths: string, pdu: string][] = [
  [41, 'c', '384', 'Client Info'],
  [42, 's', '560', 'License Request (the server PDU after Client Info)'],
  [44, 'c', '384', 'New License Request'],
  [45, 's', '80', 'Platform Challenge'],
  [47, 'c', '112', 'Platform Challenge Response'],
  [48, 's', '64', 'License Error Alert (valid client)'],
  [50, 's', '464', 'Demand Active, sent without waiting for the client'],
  [52, 'c', '608,64,64,64,96,64', 'Confirm Active, Synchronize, Control ×2, Persistent Key List, Font List'],
  [53, 's', '64', 'Synchronize'],
  [54, 's', '64', 'Control (Cooperate)'],
  [55, 's', '64', 'Control (Granted Control)'],
  [56, 's', '64', 'Font Map'],
];

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK || !existsSync(RDP_SSL))('keyless phases of a full licensing exchange (rdp-ssl.pcap)', () => {
  it('licensing at the License Request, capabilities at the Demand Active the Confirm Active answers (not the License Request), active at the Font Map', async () => {
    const t = await tshark(['-r', RDP_SSL, '-d', 'tcp.port==3389,tls', '-Y', 'tls.record.content_type == 23 && frame.number >= 41 && frame.number <= 56', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tls.record.length']);
    const wire = t.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(wire.map(([f, port, len]) => [Number(f), port === '3389' ? 's' : 'c', len])).toEqual(WIRE.map(([f, from, len]) => [f, from, len]));
    const at = await keylessPhases(RDP_SSL);
    expect(at('licensing')).toMatchObject({ frame: 42, inferred: true });
    expect(at('capabilities')).toMatchObject({ frame: 50, inferred: true });
    expect(at('active')).toMatchObject({ frame: 56, inferred: true });
  });
});

// RDP-003.pcap (suricata-verify): Standard RDP Security, 56-bit RC4, licensing in the clear; the PDUs after it
// are encrypted and no key exists, so the expected frames are the sizes on the wire (TCP payload lengths as
// tshark lists them) read against the connection sequence by hand — not an independent decryption (the
// ws-credssp test below is one).
const RDP_003 = join(CORPUS, 'OISF__suricata-verify/tests/rdp-protocol/RDP-003.pcap');
const WIRE_003: [frame: number, from: 'c' | 's', tcpLen: number, pdu: string][] = [
  [26, 's', 34, 'License Error Alert (licensing, in the clear)'],
  [27, 's', 319, 'Demand Active'],
  [29, 'c', 519, 'Confirm Active'],
  [30, 'c', 48, 'Synchronize'],
  [31, 's', 48, 'Synchronize'],
  [32, 's', 52, 'Control (Cooperate)'],
  [34, 'c', 52, 'Control (Cooperate)'],
  [35, 'c', 52, 'Control (Request Control)'],
  [37, 'c', 22, 'fast-path input'],
  [38, 's', 52, 'Control (Granted Control)'],
];

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK || !existsSync(RDP_003))('keyless phases of Standard RDP Security (RDP-003.pcap)', () => {
  it('capabilities at the Demand Active the Confirm Active answers, active at the server\'s fourth finalization PDU', async () => {
    const t = await tshark(['-r', RDP_003, '-Y', 'tcp.len > 0 && frame.number >= 26 && frame.number <= 101', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.len']);
    const rows = t.stdout.trim().split('\n').map((l) => l.split('\t')).map(([f, port, len]) => [Number(f), port === '3389' ? 's' : 'c', Number(len)] as const);
    expect(rows.filter(([f]) => f <= 38)).toEqual(WIRE_003.map(([f, from, len]) => [f, from, len]));
    // The server's next PDU after Granted Control is the fourth small one: Font Map (52 bytes, like the Controls).
    const fontMap = rows.find(([f, from]) => f > 38 && from === 's')!;
    expect(fontMap).toEqual([101, 's', 52]);
    const at = await keylessPhases(RDP_003);
    expect(at('licensing')).toMatchObject({ frame: 26, inferred: false });
    expect(at('capabilities')).toMatchObject({ frame: 27, inferred: true });
    expect(at('active')).toMatchObject({ frame: 101, inferred: true });
  });
});

// ws-credssp (Wireshark's CredSSP test captures): TLS_RSA suites and the server's RSA key beside them, which
// tshark decrypts with (rdpdiag reads key logs, not RSA keys, so its run here is keyless). tshark's decrypted
// PDUs are the truth: Client Info, the server's first licensing PDU, Demand Active, Font Map.
const WS_CREDSSP = join(CORPUS, 'ajbanjara__Wireshark/uploads/5a3487bb74d3724d1ed7e99b31d1c3a7/ws-credssp');

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK || !existsSync(join(WS_CREDSSP, 'cert.key')))('keyless phases against tshark decrypting with the RSA key (ws-credssp)', () => {
  for (const name of ['freerdp-client-krb5.pcapng', 'win2k19-joined.cap']) {
    it(`${name}: secure-settings, licensing, capabilities and active at the frames tshark decrypts`, async () => {
      const file = join(WS_CREDSSP, name);
      const t = await tshark(['-r', file, '-o', `uat:rsa_keys:"${join(WS_CREDSSP, 'cert.key')}",""`, '-d', 'tcp.port==3389,tls',
        '-Y', 'rdp.clientInfoPDU || rdp.bMsgType || rdp.pduType.type == 1 || rdp.pduType2 == 40',
        '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'rdp.clientInfoPDU', '-e', 'rdp.pduType.type', '-e', 'rdp.pduType2', '-e', 'rdp.bMsgType']);
      // Truth per client port, first frame of each.
      const truth = new Map<number, Record<string, number>>();
      for (const line of t.stdout.trim().split('\n')) {
        const [frame, sport, dport, clientInfo, pduType, pduType2, bMsgType] = line.split('\t');
        const fromServer = sport === '3389';
        const port = Number(fromServer ? dport : sport);
        const p = truth.get(port) ?? {};
        truth.set(port, p);
        const set = (k: string) => (p[k] ??= Number(frame));
        if (!fromServer && clientInfo !== '') set('secure-settings');
        if (fromServer && bMsgType !== '' && p['secure-settings'] !== undefined) set('licensing');
        if (fromServer && Number(pduType) === 1) set('capabilities');
        if (fromServer && pduType2 === '40') set('active');
      }
      const complete = [...truth].filter(([, p]) => Object.keys(p).length === 4);
      expect(complete.length).toBeGreaterThanOrEqual(1);
      const r = await analyzeFiles([file], { decrypt: false, diagnose: false });
      for (const [port, p] of complete) {
        const c = (r.connections as unknown as (RdpConn & { client: { port: number } })[]).find((x) => x.protocol === 'rdp' && x.client.port === port)!;
        const got = Object.fromEntries((c.phases ?? []).filter((x) => x.name in p).map((x) => [x.name, x.frame]));
        expect(got, `client port ${port}`).toEqual(p);
        expect(c.phases!.filter((x) => x.name in p).every((x) => x.inferred)).toBe(true);
      }
    });
  }
});
