/**
 * Zeek and Suricata baselines for the RDP traces of the corpus, field by field against our
 * report (redact:false so the cookie and client name can be compared).
 *
 * Zeek rdp.log (scripts/base/protocols/rdp/main.zeek): `result` is the RDP_NEG_FAILURE name
 * (failure_codes), else the GCC Conference Create Response result name (0 = "Success"), else
 * "encrypted" once rdp_begin_encryption fired (selected protocol ≠ PROTOCOL_RDP); the
 * security_protocol names are RDP/SSL/HYBRID/RDSTLS/HYBRID_EX for 0/1/2/4/8; client_build
 * is RDP::builds[clientBuild] (2600 "RDP 5.1"… 6000 "RDP 6.0", 9600 "RDP 8.1"); keyboard_layout
 * is RDP::languages[layout] else "<lang of layout & 0xffff> (Best Guess for <layout>)".
 * ssl.log: version/cipher/server_name/subject/issuer/established.
 * Suricata RDP-003 test.yaml: cookie, client version/build/name/height/capabilities/id, channels.
 *
 * Rows are compared per connection (matched by client port). The agreement figure counts
 * fields Zeek logs with a value; differences are listed in DIFFS with their reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath, HAVE_CORPUS } from '../../helpers/shared.js';
import { analyze, conns, type Conn } from './oracle-lib.js';

const TR = 'zeek__zeek/testing/btest/Traces/rdp/';

function zeekLog(file: string): Record<string, string>[] {
  const text = readFileSync(corpusPath(TR + file), 'utf8');
  let fields: string[] = [];
  const rows: Record<string, string>[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#fields')) fields = line.split('\t').slice(1);
    if (!line || line.startsWith('#')) continue;
    const cols = line.split('\t');
    rows.push(Object.fromEntries(fields.map((f, i) => [f, cols[i] ?? ''])));
  }
  return rows;
}

const SECURITY = ['RDP', 'SSL', 'HYBRID', '', 'RDSTLS', '', '', '', 'HYBRID_EX'];
const BUILDS: Record<number, string> = { 2600: 'RDP 5.1', 3790: 'RDP 5.2', 6000: 'RDP 6.0', 6001: 'RDP 6.1', 6002: 'RDP 6.2', 7600: 'RDP 7.0', 7601: 'RDP 7.1', 9200: 'RDP 8.0', 9600: 'RDP 8.1' };
const LANGS: Record<number, string> = { 0x409: 'English - United States', 0x41e: 'Thai' };
const LEVELS = ['None', 'Low', 'Client compatible', 'High', 'FIPS'];
const METHODS: Record<number, string> = { 0: 'None', 1: '40bit', 2: '128bit', 8: '56bit', 0x10: 'FIPS' };
const TLSV: Record<string, string> = { 'TLS 1.0': 'TLSv10', 'TLS 1.1': 'TLSv11', 'TLS 1.2': 'TLSv12', 'TLS 1.3': 'TLSv13' };

function ev(c: Conn, type: string): Record<string, unknown> | undefined {
  return c.events?.find((e) => e.type === type)?.detail;
}

/** What our report says, in Zeek's rdp.log vocabulary. */
function asZeekRdp(c: Conn): Record<string, string> {
  const r = c.rdp;
  const cr = ev(c, 'rdp.mcs_connect_response');
  const core = (ev(c, 'rdp.mcs_connect_initial')?.['clientCore'] ?? null) as Record<string, unknown> | null;
  let result = '-';
  if (r.negFailure) result = r.negFailure.name;
  else if (cr && cr['result'] === 0) result = 'Success';
  else if (r.selectedProtocolValue !== null && r.selectedProtocolValue !== 0) result = 'encrypted';
  const kl = r.keyboardLayout === null ? null : parseInt(r.keyboardLayout, 16);
  const lang = kl === null ? '-' : LANGS[kl] ?? (LANGS[kl & 0xffff] ? `${LANGS[kl & 0xffff]} (Best Guess for ${kl})` : `keyboard-${kl}`);
  return {
    cookie: r.cookie === null ? '(empty)' : r.cookie.replace(/\\/g, '\\\\'),
    result,
    security_protocol: r.selectedProtocolValue === null || r.negFailure ? '-' : SECURITY[r.selectedProtocolValue] ?? '?',
    client_channels: r.channels.length ? r.channels.join(',') : '-',
    keyboard_layout: lang,
    client_build: r.clientBuild === null ? '-' : BUILDS[r.clientBuild] ?? String(r.clientBuild),
    client_name: r.clientName ?? '-',
    client_dig_product_id: core ? String(core['clientDigProductId'] ?? '') || '(empty)' : '-',
    desktop_width: r.desktop ? String(r.desktop.width) : '-',
    desktop_height: r.desktop ? String(r.desktop.height) : '-',
    cert_type: r.serverCertType === 'x509' ? 'X.509' : r.serverCertType === 'proprietary' ? 'RSA' : '-',
    cert_count: cr ? String(cr['serverCertCount'] ?? (r.serverCertType === 'proprietary' ? 1 : 0)) : '0',
    cert_permanent: cr && cr['serverCertPermanent'] !== undefined ? (cr['serverCertPermanent'] ? 'T' : 'F') : '-',
    encryption_level: r.encryptionLevel === null ? '-' : LEVELS[r.encryptionLevel] ?? '?',
    encryption_method: r.encryptionMethod === null ? '-' : METHODS[r.encryptionMethod] ?? '?',
  };
}

/**
 * Known differences, `file|clientPort|field` → reason. Fields we do not carry (requested_color_depth)
 * are not compared at all.
 */
const DIFFS: Record<string, string> = {
  // (none at present: every logged field agrees)
};

interface Case {
  pcap: string;
  rdpLog: string | null;
  sslLog: string | null;
}
const CASES: Case[] = [
  { pcap: 'rdp-to-ssl.pcap', rdpLog: 'rdp-to-ssl.pcap.scripts.base.protocols.rdp.rdp-to-ssl.rdp.log.baseline', sslLog: 'rdp-to-ssl.pcap.scripts.base.protocols.rdp.rdp-to-ssl.ssl.log.baseline' },
  { pcap: 'rdp-no-cookie-mstshash.pcap', rdpLog: 'rdp-no-cookie-mstshash.pcap.scripts.base.protocols.rdp.rdp-no-cookie-msthash.rdp.log.baseline', sslLog: 'rdp-no-cookie-mstshash.pcap.scripts.base.protocols.rdp.rdp-no-cookie-msthash.ssl.log.baseline' },
  { pcap: 'rdp-proprietary-encryption.pcap', rdpLog: 'rdp-proprietary-encryption.pcap.scripts.base.protocols.rdp.rdp-proprietary-encryption.rdp.log.baseline', sslLog: null },
  { pcap: 'rdp-unknown-keyboard.pcap', rdpLog: 'rdp-unknown-keyboard.pcap.scripts.base.protocols.rdp.rdp-unknown-keyboard.rdp.log.baseline', sslLog: null },
  { pcap: 'rdp-x509.pcap', rdpLog: 'rdp-x509.pcap.scripts.base.protocols.rdp.rdp-x509.rdp.log.baseline', sslLog: null },
];

const tally = { agree: 0, total: 0, diffs: [] as string[] };

describe.skipIf(!HAVE_CORPUS)('Zeek rdp.log / ssl.log baselines', () => {
  for (const k of CASES) {
    it(`${k.pcap}: rdp.log${k.sslLog ? ' + ssl.log' : ''} field by field`, async () => {
      const report = await analyze(corpusPath(TR + k.pcap));
      const ours = conns(report).filter((c) => c.protocol === 'rdp');
      const unexplained: string[] = [];
      for (const z of zeekLog(k.rdpLog!)) {
        const c = ours.find((x) => x.client.port === Number(z['id.orig_p']));
        expect(c, `connection from port ${z['id.orig_p']}`).toBeDefined();
        const mine = asZeekRdp(c!);
        for (const [f, v] of Object.entries(mine)) {
          if (z[f] === undefined) continue;
          // Zeek's own '-' for a field it never set where we have a value is still a difference.
          tally.total++;
          if (z[f] === v) {
            tally.agree++;
            continue;
          }
          const why = DIFFS[`${k.pcap}|${z['id.orig_p']}|${f}`];
          const line = `${k.pcap} port ${z['id.orig_p']} ${f}: zeek '${z[f]}' ours '${v}'`;
          if (why) tally.diffs.push(`${line} — ${why}`);
          else unexplained.push(line);
        }
      }
      if (k.sslLog) {
        for (const z of zeekLog(k.sslLog)) {
          const c = ours.find((x) => x.client.port === Number(z['id.orig_p']))!;
          const t = c.tls;
          const mine: Record<string, string> = {
            version: TLSV[t.serverVersion] ?? t.serverVersion,
            cipher: t.suite,
            server_name: t.sni ?? '-',
            established: t.handshakeComplete ? 'T' : 'F',
            subject: t.certificate?.subject ?? '-',
            issuer: t.certificate?.issuer ?? '-',
          };
          for (const [f, v] of Object.entries(mine)) {
            tally.total++;
            if (z[f] === v) tally.agree++;
            else unexplained.push(`${k.pcap} ssl port ${z['id.orig_p']} ${f}: zeek '${z[f]}' ours '${v}'`);
          }
        }
      }
      expect(unexplained).toEqual([]);
    });
  }

  it('rdp-x509.pcap: x509.log (the RDP Server Security Data X.509 chain of 2)', async () => {
    // x509.log lists 2 certificates (L=TURNBKL+CN=SERVR, 512-bit RSA); we keep the count and the
    // permanence flag (serverCertCount 2, serverCertPermanent false = Zeek cert_permanent F).
    const report = await analyze(corpusPath(TR + 'rdp-x509.pcap'));
    const c = conns(report).find((x) => x.protocol === 'rdp')!;
    const cr = ev(c, 'rdp.mcs_connect_response')!;
    expect(cr['serverCertType']).toBe('x509');
    expect(cr['serverCertCount']).toBe(2);
    expect(cr['serverCertPermanent']).toBe(false);
  });

  it('RDP-EUDP traces: Zeek rdpeudp_syn / synack / established events ↔ our rdp-udp phases', async () => {
    // .out baselines: handshake-fail has only rdpeudp_syn (3 SYNs, no SYN+ACK: conn.log history D,
    // S0); handshake-success and rdpeudp2-handshake-success have syn, synack, established, data.
    const fail = conns(await analyze(corpusPath(TR + 'rdpeudp-handshake-fail.pcap'))).find((c) => c.protocol === 'rdp-udp')!;
    expect(fail.phases.map((p) => p.name)).toEqual(['syn']);
    for (const f of ['rdpeudp-handshake-success.pcap', 'rdpeudp2-handshake-success.pcap']) {
      const c = conns(await analyze(corpusPath(TR + f))).find((x) => x.protocol === 'rdp-udp')!;
      expect(c.phases.map((p) => [p.name, p.frame])).toEqual([['syn', 1], ['syn-ack', 2], ['data', 3]]);
    }
  });

  it('rdp-invalid-length.pcap: Zeek reports a protocol violation (RDP_Negotiation_Response:length)', async () => {
    const c = conns(await analyze(corpusPath(TR + 'rdp-invalid-length.pcap'))).find((x) => x.protocol === 'rdp')!;
    const v = (c.events ?? []).filter((e) => e.type === 'analyzer.violation' && e.frame === 5);
    expect(v.some((e) => /negotiation length 0/.test(String(e.detail['message'])))).toBe(true);
  });

  // The invalid RDP_NEG_RSP (bytes 02 00 00 00 01 00 00 02: length 0) must not yield a selected
  // protocol: Zeek logs no security_protocol; tshark does not decode a selectedProtocol either.
  it('rdp-invalid-length.pcap: an invalid RDP_NEG_RSP sets no selected protocol', async () => {
    const c = conns(await analyze(corpusPath(TR + 'rdp-invalid-length.pcap'))).find((x) => x.protocol === 'rdp')!;
    expect(c.rdp.selectedProtocolValue).toBeNull();
  });

  it('agreement figure', () => {
    console.log(`[zeek] ${tally.agree}/${tally.total} fields agree; explained differences:\n${tally.diffs.join('\n') || 'none'}`);
    expect(tally.total).toBeGreaterThan(50);
  });
});

describe.skipIf(!HAVE_CORPUS)('Suricata RDP-003 eve (tests/rdp-protocol/test.yaml)', () => {
  it('initial_request cookie, connect_request client fields and channels, 4 rdp events', async () => {
    const report = await analyze(corpusPath('OISF__suricata-verify/tests/rdp-protocol/RDP-003.pcap'));
    const rdp = conns(report).filter((c) => c.protocol === 'rdp');
    expect(rdp).toHaveLength(1);
    const c = rdp[0]!;
    expect(c.rdp.cookie).toBe('A70067'); // rdp.cookie
    expect(c.rdp.clientVersion).toBe('0x00080004'); // rdp.client.version "v5" (RDP 5.0+ = 0x00080004)
    expect(c.rdp.clientBuild).toBe(2600); // rdp.client.build "Windows XP"
    expect(c.rdp.desktop.height).toBe(864); // rdp.client.desktop_height
    expect(c.rdp.clientName).toBe('ISD2-KM84178'); // rdp.client.client_name
    expect(c.rdp.supportsErrorInfoPdu).toBe(true); // capabilities[0] support_errinfo_pdu
    expect(c.rdp.channels).toEqual(['rdpdr', 'cliprdr', 'rdpsnd']); // rdp.channels[0..2]
    // rdp.client.id: Client Core Data clientDigProductId (frame 7).
    const core = c.events!.find((e) => e.type === 'rdp.mcs_connect_initial')!.detail['clientCore'] as Record<string, unknown>;
    expect(core['clientDigProductId']).toBe('55274-OEM-0011903-00107');
    // output-eve-rdp-01: 4 rdp eve records = initial_request, initial_response, connect_request, connect_response.
    const types = new Set(c.events!.map((e) => e.type));
    for (const t of ['rdp.x224_connection_request', 'rdp.x224_connection_confirm', 'rdp.mcs_connect_initial', 'rdp.mcs_connect_response']) expect(types.has(t)).toBe(true);
  });
});
