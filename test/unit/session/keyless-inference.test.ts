/**
 * Keyless inference on record sequences built from the MS-RDPBCGR connection sequence with the
 * protection overheads of each suite kind (the real-capture comparison with decrypted truth is
 * test/integration/session/keyless-inference.test.ts; these cover what the captures do not: CBC
 * suites, a HYBRID_EX Early User Authorization record, a connection that stops after CredSSP).
 */
import { describe, expect, it } from 'vitest';
import { KeylessRdpInference } from '../../../src/session/keyless-inference.js';
import { DIRECT_RDP_PHASES, PhaseMachine } from '../../../src/session/phase-machine.js';

const HYBRID_EX = 8;
const SSL = 1;
// TLS 1.2 record bodies for plaintext n: AES-256-CBC-SHA (0x0035): 16 IV + n + 20 MAC, padded to 16.
const cbc = (n: number) => 16 + Math.ceil((n + 20 + 1) / 16) * 16;
// AES-128-GCM (0xc02f): 8 explicit nonce + n + 16 tag.
const gcm = (n: number) => n + 24;

type Step = [dir: 0 | 1, plaintext: number, label?: string];
function run(suite: number, size: (n: number) => number, selected: number, steps: Step[]) {
  const m = new PhaseMachine(DIRECT_RDP_PHASES);
  const k = new KeylessRdpInference(m);
  k.setSuite(0x0303, suite);
  steps.forEach(([dir, n], i) => k.record(dir, 23, size(n), selected, i + 1, i + 1));
  return phasesOf(m);
}

/** Phase name → frame. */
const phasesOf = (m: PhaseMachine) => Object.fromEntries(m.phases.map((p) => [p.name, p.frame]));
/** The frame `run` gives the step with this label. */
const frameOf = (steps: Step[], label: string) => steps.findIndex((x) => x[2] === label) + 1;
// TLS 1.0 CBC (AES-128-CBC-SHA, 0x002f) record body for plaintext n: n + 20 MAC, padded to 16, no explicit IV.
const tls10cbc = (n: number) => Math.ceil((n + 20 + 1) / 16) * 16;

/** Standard RDP Security: the phases seen in the clear up to `licensingFrame` (null: licensing not seen), and the inference fed with `plain` PDU sizes. */
function standardSecurity(licensingFrame: number | null) {
  const m = new PhaseMachine(DIRECT_RDP_PHASES);
  for (const [name, f] of [['tcp-connect', 1], ['x224', 4], ['mcs', 7], ['secure-settings', 23]] as const) m.reach(name, f, f, false);
  if (licensingFrame !== null) m.reach('licensing', licensingFrame, licensingFrame, false);
  const k = new KeylessRdpInference(m);
  return { m, pdu: (dir: 0 | 1, size: number, frame: number) => k.record(dir, 0, size, 0, frame, frame, true) };
}

// HYBRID_EX, NTLM: Negotiate, Challenge, Authenticate, pubKeyAuth, TSCredentials, Early User Authorization Result (4 bytes), then MCS…
const HYBRID_EX_SESSION: Step[] = [
  [0, 60, 'TSRequest NEGOTIATE'], [1, 250, 'TSRequest CHALLENGE'], [0, 420, 'TSRequest AUTHENTICATE'], [1, 90, 'TSRequest pubKeyAuth'],
  [0, 120, 'TSRequest TSCredentials'], [1, 4, 'Early User Authorization Result'], [0, 460, 'MCS Connect Initial'], [1, 110, 'Connect Response'],
  [0, 12, 'Erect Domain'], [0, 8, 'Attach User Request'], [1, 11, 'Attach User Confirm'], [0, 12, 'Channel Join'], [1, 15, 'Join Confirm'],
  [0, 330, 'Client Info'], [1, 30, 'License Error (valid client)'], [1, 470, 'Demand Active'], [0, 550, 'Confirm Active'],
  [0, 36, 'Synchronize'], [0, 40, 'Control'], [0, 40, 'Control'], [0, 40, 'Font List'],
  [1, 36, 'Synchronize'], [1, 40, 'Control'], [1, 40, 'Control'], [1, 40, 'Font Map'], [1, 9000, 'graphics'],
];

describe('KeylessRdpInference', () => {
  for (const [name, suite, size] of [['AES-128-GCM', 0xc02f, gcm], ['AES-256-CBC-SHA', 0x0035, cbc]] as const) {
    it(`${name}: every phase at the record that starts it, the 4-byte authorization result not taken for a reply`, () => {
      expect(run(suite, size, HYBRID_EX, HYBRID_EX_SESSION)).toEqual({ credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15, capabilities: 16, active: 25 });
    });
  }

  it('a session refused after the credentials (server closes after TSCredentials) stays in CredSSP', () => {
    expect(run(0xc02f, gcm, HYBRID_EX, HYBRID_EX_SESSION.slice(0, 5))).toEqual({ credssp: 1 });
  });

  it('the client answering a CredSSP reply is not the MCS connect (strict alternation)', () => {
    // a long Kerberos exchange: every client record follows a server one
    const steps: Step[] = [[0, 1600], [1, 180], [0, 700], [1, 90], [0, 300], [1, 80], [0, 300]];
    expect(run(0xc02f, gcm, HYBRID_EX, steps)).toEqual({ credssp: 1 });
  });

  it('SSL: MCS at the first client record, no CredSSP', () => {
    const steps: Step[] = [[0, 460], [1, 110], [0, 12], [1, 11], [0, 330], [1, 30]];
    expect(run(0xc02f, gcm, SSL, steps)).toEqual({ mcs: 1, 'secure-settings': 5, licensing: 6 });
  });

  it('TLS 1.3: the encrypted server flight and the client Finished are not data; session tickets do not break the sequence', () => {
    const m = new PhaseMachine(DIRECT_RDP_PHASES);
    const k = new KeylessRdpInference(m);
    k.setSuite(0x0304, 0x1302);
    const rec = (dir: 0 | 1, n: number, f: number) => k.record(dir, 23, n + 17, HYBRID_EX, f, f);
    rec(1, 6, 1); rec(1, 700, 2); rec(1, 260, 3); rec(1, 52, 4); // EncryptedExtensions, Certificate, CertificateVerify, Finished
    rec(0, 52, 5); // client Finished
    rec(0, 93, 6); // TSRequest NEGOTIATE
    rec(1, 233, 7); rec(1, 233, 8); // NewSessionTicket × 2
    rec(1, 162, 9); rec(0, 433, 10); rec(1, 95, 11); rec(0, 126, 12); rec(0, 467, 13);
    expect(phasesOf(m)).toEqual({ credssp: 6, mcs: 13 });
  });

  // From HYBRID_EX_SESSION's Client Info on: what comes before it, then a tail.
  const upToClientInfo = HYBRID_EX_SESSION.slice(0, 14);
  const finalization: Step[] = [
    [0, 550, 'Confirm Active'], [0, 36, 'Synchronize'], [0, 40, 'Control'], [0, 40, 'Control'], [0, 40, 'Font List'],
    [1, 36, 'Synchronize'], [1, 40, 'Control'], [1, 40, 'Control'], [1, 40, 'Font Map'], [1, 9000, 'graphics'],
  ];

  it('a licensing exchange with a large New License Request: capabilities at the Demand Active, active at the Font Map', () => {
    const steps: Step[] = [
      ...upToClientInfo,
      [1, 400, 'License Request'], [0, 350, 'New License Request'], [1, 60, 'Platform Challenge'], [0, 80, 'Platform Challenge Response'],
      [1, 1500, 'New License'], [1, 470, 'Demand Active'], ...finalization,
    ];
    const demandActive = frameOf(steps, 'Demand Active');
    const fontMap = frameOf(steps, 'Font Map');
    const phases = run(0xc02f, gcm, HYBRID_EX, steps);
    // The License Request (the server's first PDU after Client Info) is not taken for the Demand Active.
    expect(phases).toEqual({ credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15, capabilities: demandActive, active: fontMap });
  });

  it('connect-time auto-detection (bandwidth payloads) before licensing does not count as graphics', () => {
    const steps: Step[] = [
      ...upToClientInfo,
      [1, 20, 'RTT Measure Request'], [0, 12, 'RTT Measure Response'], [1, 20, 'Bandwidth Measure Start'],
      [1, 15000, 'Bandwidth Measure Payload'], [1, 15000, 'Bandwidth Measure Payload'], [1, 20, 'Bandwidth Measure Stop'], [0, 20, 'Network Characteristics Result'],
      [1, 30, 'License Error (valid client)'], [1, 470, 'Demand Active'], ...finalization,
    ];
    const demandActive = frameOf(steps, 'Demand Active');
    const fontMap = frameOf(steps, 'Font Map');
    const phases = run(0xc02f, gcm, HYBRID_EX, steps);
    // Licensing is stamped at the first auto-detect request (documented limitation).
    expect(phases).toEqual({ credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15, capabilities: demandActive, active: fontMap });
  });

  it('a small client PDU between Demand Active and Confirm Active does not lose the sequence', () => {
    const steps: Step[] = [...upToClientInfo, [1, 30, 'License Error (valid client)'], [1, 470, 'Demand Active'], [0, 30, 'Refresh Rect'], ...finalization];
    const demandActive = frameOf(steps, 'Demand Active');
    const fontMap = frameOf(steps, 'Font Map');
    expect(run(0xc02f, gcm, HYBRID_EX, steps)).toMatchObject({ capabilities: demandActive, active: fontMap });
  });

  // xrdp's licensing as the lab captures show it (TLS 1.3 plaintext sizes of packet-loss-40pct: License Request
  // 337, New License Request 155, ERROR_ALERT STATUS_VALID_CLIENT 34, Demand Active 481).
  const xrdpLicensing: Step[] = [[1, 337, 'License Request'], [0, 155, 'New License Request'], [1, 34, 'License Error (valid client)']];

  it('a Demand Active the client never answers is not recognised: a broker\'s Server Redirection PDU looks the same', () => {
    // xrdp-like licensing, or the valid-client alert alone (Windows without a license server), then a large
    // server PDU and the client closes: Demand Active given up on, or Server Redirection (MS-RDPBCGR 2.2.13)
    for (const licensing of [xrdpLicensing, [[1, 34, 'License Error (valid client)']] as Step[]]) {
      const steps: Step[] = [...upToClientInfo, ...licensing, [1, 481, 'Demand Active or Server Redirection']];
      expect(run(0xc02f, gcm, HYBRID_EX, steps)).toEqual({ credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15 });
    }
  });

  it('a multitransport request between licensing and Demand Active: capabilities at the Demand Active the Confirm Active answers', () => {
    const steps: Step[] = [...upToClientInfo, ...xrdpLicensing, [1, 50, 'Initiate Multitransport Request'], [1, 481, 'Demand Active'], ...finalization];
    const demandActive = frameOf(steps, 'Demand Active');
    const fontMap = frameOf(steps, 'Font Map');
    expect(run(0xc02f, gcm, HYBRID_EX, steps)).toEqual({ credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15, capabilities: demandActive, active: fontMap });
    expect(run(0x0035, cbc, HYBRID_EX, steps)).toMatchObject({ capabilities: demandActive, active: fontMap });
  });

  it('licensing left unfinished is not taken for capabilities: after a Platform Challenge, or a License Request never answered', () => {
    const platformChallenge: Step[] = [...upToClientInfo, [1, 337, 'License Request'], [0, 155, 'New License Request'], [1, 60, 'Platform Challenge']];
    expect(run(0xc02f, gcm, HYBRID_EX, platformChallenge)).not.toHaveProperty('capabilities');
    // the client answers the challenge, the server sends a large New License and the client gives up
    expect(run(0xc02f, gcm, HYBRID_EX, [...platformChallenge, [0, 80, 'Platform Challenge Response'], [1, 1500, 'New License']])).not.toHaveProperty('capabilities');
    expect(run(0xc02f, gcm, HYBRID_EX, [...upToClientInfo, [1, 337, 'License Request']])).not.toHaveProperty('capabilities');
  });

  it('Standard RDP Security (server PDU sizes only): small then large server PDUs are not taken for Demand Active', () => {
    // RDP-003.pcap's server side: licensing seen decoded, then encrypted server PDUs only (no client PDU answers them)
    const { m, pdu } = standardSecurity(26);
    [319, 48, 52, 52, 52, 1200, 48, 900].forEach((n, i) => pdu(1, n, 27 + i));
    expect(m.has('capabilities')).toBe(false);
  });

  it('Standard RDP Security: Demand Active recognised by the Confirm Active answering it, active at the fourth small server PDU', () => {
    const { m, pdu } = standardSecurity(26);
    const seq: [0 | 1, number, number][] = [[1, 319, 27], [0, 519, 29], [0, 48, 30], [1, 48, 31], [1, 52, 32], [0, 52, 34], [1, 52, 38], [0, 1260, 39], [1, 52, 101], [1, 1260, 105]];
    for (const [dir, n, f] of seq) pdu(dir, n, f);
    expect(phasesOf(m)).toMatchObject({ licensing: 26, capabilities: 27, active: 101 });
    expect(m.phases.find((p) => p.name === 'capabilities')!.inferred).toBe(true);
  });

  it('server records split 1/n-1 (TLS 1.0 CBC, as Schannel sends them) count as one PDU each: licensing, capabilities and active at their PDUs', () => {
    const machine = new PhaseMachine(DIRECT_RDP_PHASES);
    const k = new KeylessRdpInference(machine);
    k.setSuite(0x0301, 0x002f);
    const steps: Step[] = [...upToClientInfo, ...xrdpLicensing, [1, 470, 'Demand Active'], ...finalization];
    steps.forEach(([dir, n], i) => {
      // both records of a split PDU in the PDU's frame, as the server writes them in one segment
      if (dir === 1) k.record(1, 23, tls10cbc(1), HYBRID_EX, i + 1, i + 1);
      k.record(dir, 23, tls10cbc(dir === 1 ? n - 1 : n), HYBRID_EX, i + 1, i + 1);
    });
    expect(phasesOf(machine)).toEqual({
      credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15, capabilities: frameOf(steps, 'Demand Active'), active: frameOf(steps, 'Font Map'),
    });
  });

  it('Standard RDP Security: a client PDU of a licensing reply\'s size is not Confirm Active; a large PDU before licensing as seen in the clear is not Demand Active', () => {
    const a = standardSecurity(null);
    a.pdu(1, 34, 25); // licensing (encrypted): its start is inferred here
    a.pdu(1, 400, 26);
    a.pdu(0, 200, 27); // under Confirm Active's size
    expect(a.m.has('capabilities')).toBe(false);
    // Encrypted auto-detection first (taken for the start of licensing), then licensing in the clear, then an
    // encrypted licensing reply of Confirm Active's size (a client that encrypts its licensing PDUs).
    const b = standardSecurity(null);
    b.pdu(1, 40, 24); // RTT Measure Request
    b.pdu(1, 1200, 25); // Bandwidth Measure Payload
    b.m.reach('licensing', 28, 28, false); // License Request decoded in the clear
    b.pdu(0, 900, 29); // encrypted License Information
    expect(b.m.has('capabilities')).toBe(false);
  });

  it('a retransmission that reorders frames (the valid-client alert resent after the Demand Active went through) does not hide the Demand Active', () => {
    // Arrival order in the stream: alert (its resent copy, frame 53), Demand Active (frame 50, held back), Confirm Active…
    const m = new PhaseMachine(DIRECT_RDP_PHASES);
    const k = new KeylessRdpInference(m);
    k.setSuite(0x0303, 0xc02f);
    upToClientInfo.forEach(([dir, n], i) => k.record(dir, 23, gcm(n), HYBRID_EX, i + 1, i + 1));
    k.record(1, 23, gcm(34), HYBRID_EX, 53, 53);
    k.record(1, 23, gcm(470), HYBRID_EX, 50, 50);
    finalization.forEach(([dir, n], i) => k.record(dir, 23, gcm(n), HYBRID_EX, 55 + i, 55 + i));
    expect(phasesOf(m)).toMatchObject({ licensing: 53, capabilities: 50, active: 55 + 8 });
    // Standard RDP Security: licensing seen in the clear in a resent frame, the encrypted Demand Active held back before it
    const p = standardSecurity(28);
    p.pdu(1, 319, 27);
    p.pdu(0, 519, 29);
    expect(phasesOf(p.m).capabilities).toBe(27);
  });

  it('connect-time auto-detection: a bandwidth payload after a small request is not Demand Active', () => {
    const steps: Step[] = [
      ...upToClientInfo,
      [1, 20, 'RTT Measure Request'], [0, 12, 'RTT Measure Response'], [1, 20, 'Bandwidth Measure Start'], [1, 15000, 'Bandwidth Measure Payload'],
    ];
    expect(run(0xc02f, gcm, HYBRID_EX, steps)).toEqual({ credssp: 1, mcs: 7, 'secure-settings': 14, licensing: 15 });
  });

  it('client records split 1/n-1 (TLS 1.0 CBC) neither end CredSSP early nor break the sequence', () => {
    const split = (steps: Step[]): Step[] => steps.flatMap((x): Step[] => (x[0] === 0 ? [[0, 1, 'split byte'], [0, x[1] - 1, x[2]]] : [x]));
    const m = (steps: Step[]) => {
      const machine = new PhaseMachine(DIRECT_RDP_PHASES);
      const k = new KeylessRdpInference(machine);
      k.setSuite(0x0301, 0x002f);
      steps.forEach(([dir, n], i) => k.record(dir, 23, tls10cbc(n), HYBRID_EX, i + 1, i + 1));
      return machine.phases.map((p) => p.name);
    };
    // wrong password: the server's last TSRequest carries the error, then it closes
    expect(m(split([[0, 60], [1, 250], [0, 420], [1, 20]]))).toEqual(['credssp']);
    expect(m(split(HYBRID_EX_SESSION))).toEqual(['credssp', 'mcs', 'secure-settings', 'licensing', 'capabilities', 'active']);
  });
});
