/**
 * Zeek conn_state and history vs the conn.log baselines Zeek's own test-suite holds for
 * corpus traces (oracles-zeek_baselines.tsv). Rows are matched by (orig_h, orig_p, resp_h,
 * resp_p, proto), orientation included.
 *
 * Known, explained differences (counted, not failed):
 *  - UDP history: we record no D/d letters for UDP (the engine only tracks TCP history); the
 *    UDP conn_state is compared.
 *  - G/g (content gap) letters: Zeek reassembles every connection and marks gaps; we only
 *    reassemble connections a decoder follows. Histories are compared with G/g removed.
 *  - Connections inside MPLS (mixed-vlan-mpls.pcap) are not decoded: not found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import type { ConnectionReport } from '../../../src/report/model.js';
import { CORPUS, HAVE_CORPUS } from '../../helpers/shared.js';

const T = join(CORPUS, 'zeek__zeek/testing/btest/Traces');
const CASES: [trace: string, baseline: string][] = [
  ['tcp/missing-syn.pcap', 'tcp/missing-syn.pcap.core.tcp.missing-syn.conn.log.baseline'],
  ['tcp/missing-syn.pcap', 'tcp/missing-syn.pcap.core.history-flip.conn.log.baseline'],
  ['tcp/retransmit-fast009.pcap', 'tcp/retransmit-fast009.pcap.core.tcp.rxmit-history.conn-1.log.baseline'],
  // conn-limited: the run without forced timer expiry (conn-all splits the connection at an inactivity timeout).
  ['tcp/retransmit-timeout.pcapng', 'tcp/retransmit-timeout.pcapng.core.expire-all-timers.conn-limited.log.baseline'],
  ['ldap/missing_krbtgt_ldap_request.pcapng', 'ldap/missing_krbtgt_ldap_request.pcapng.scripts.base.protocols.ldap.sasl-signed-clear-2.conn.log.baseline'],
  ['krb/optional-service-name.pcap', 'krb/optional-service-name.pcap.scripts.base.protocols.krb.krb-service-name.conn.log.baseline'],
  ['tls/https-to-http.pcap', 'tls/https-to-http.pcap.scripts.base.frameworks.analyzer.request-response-protocol-differences.conn-https-to-http.log.baseline'],
  ['mixed-vlan-mpls.pcap', 'mixed-vlan-mpls.pcap.core.vlan-mpls.conn.log.baseline'],
  ['q-in-q.pcap', 'q-in-q.pcap.core.q-in-q.conn.log.baseline'],
  ['pppoe.pcap', 'pppoe.pcap.core.pppoe.conn.log.baseline'],
  ['pcapng-multi-interface.pcapng', 'pcapng-multi-interface.pcapng.core.pcapng-pktsrc.conn.log.baseline'],
  ['rdp/rdpeudp-handshake-success.pcap', 'rdp/rdpeudp-handshake-success.pcap.scripts.base.protocols.rdp.rdpeudp-handshake-success.conn.log.baseline'],
  ['rdp/rdpeudp2-handshake-success.pcap', 'rdp/rdpeudp2-handshake-success.pcap.scripts.base.protocols.rdp.rdpeudp2-handshake-success.conn.log.baseline'],
  ['rdp/rdpeudp-handshake-fail.pcap', 'rdp/rdpeudp-handshake-fail.pcap.scripts.base.protocols.rdp.rdpeudp-handshake-fail.conn.log.baseline'],
];

interface ZeekRow {
  orig: string;
  origPort: number;
  resp: string;
  respPort: number;
  proto: string;
  state: string;
  history: string;
}

function parseConnLog(path: string): ZeekRow[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  const col = (name: string) => fields.indexOf(name);
  return lines
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .filter((c) => c.length === fields.length)
    .map((c) => ({
      orig: c[col('id.orig_h')]!,
      origPort: Number(c[col('id.orig_p')]),
      resp: c[col('id.resp_h')]!,
      respPort: Number(c[col('id.resp_p')]),
      proto: c[col('proto')]!,
      state: c[col('conn_state')]!,
      history: c[col('history')] === '-' ? '' : c[col('history')]!,
    }));
}

const cache = new Map<string, Promise<ConnectionReport[]>>();
const conns = (trace: string) => {
  if (!cache.has(trace)) cache.set(trace, analyzeFiles([join(T, trace)]).then((r) => r.connections));
  return cache.get(trace)!;
};

describe.skipIf(!HAVE_CORPUS)('Zeek conn_state / history vs Zeek baselines', () => {
  it('conn.log baselines: conn_state and history agree on every TCP/UDP connection we decode, except the known differences', async () => {
    const report: string[] = [];
    let rows = 0;
    let stateAgree = 0;
    let historyAgree = 0;
    let historyCompared = 0;
    const notFound: string[] = [];
    const stateDiffs: string[] = [];
    const historyDiffs: string[] = [];
    for (const [trace, baseline] of CASES) {
      const ours = await conns(trace);
      for (const z of parseConnLog(join(T, baseline)).filter((r) => r.proto === 'tcp' || r.proto === 'udp')) {
        rows++;
        const tag = `${trace} ${z.proto} ${z.orig}:${z.origPort} > ${z.resp}:${z.respPort}`;
        const c = ours.find((o) => o.transport === z.proto && o.client.ip === z.orig && o.client.port === z.origPort && o.server.ip === z.resp && o.server.port === z.respPort);
        if (!c) {
          const flipped = ours.find((o) => o.transport === z.proto && o.server.ip === z.orig && o.server.port === z.origPort && o.client.ip === z.resp && o.client.port === z.respPort);
          (flipped ? stateDiffs : notFound).push(`${tag}${flipped ? ': orientation differs' : ''}`);
          continue;
        }
        if (c.state === z.state) stateAgree++;
        else stateDiffs.push(`${tag}: zeek ${z.state} ours ${c.state} (history zeek ${z.history} ours ${c.history})`);
        if (z.proto === 'tcp') {
          historyCompared++;
          const zh = z.history.replace(/[Gg]/g, '');
          if (c.history === zh) historyAgree++;
          else historyDiffs.push(`${tag}: zeek ${z.history} ours ${c.history}`);
        }
        report.push(`${tag}: zeek ${z.state}/${z.history || '-'} ours ${c.state}/${c.history || '-'}`);
      }
    }
    console.log(
      `[zeek conn.log] ${rows} rows; conn_state agrees ${stateAgree}/${rows - notFound.length}; TCP history agrees ${historyAgree}/${historyCompared} (G/g removed)\n  ${report.join('\n  ')}\n  not found: ${notFound.join('; ')}\n  state differences: ${stateDiffs.join('; ')}\n  history differences: ${historyDiffs.join('; ')}`,
    );
    // The only state difference is the SYN-ACK-first connection (see the regression test below).
    expect(stateDiffs.filter((d) => !d.includes('optional-service-name'))).toEqual([]);
    expect(historyDiffs).toEqual([]);
    // Only the MPLS-encapsulated telnet connection is out of reach.
    expect(notFound).toEqual(['mixed-vlan-mpls.pcap tcp 10.1.2.1:11001 > 10.34.0.1:23']);
    expect(stateAgree).toBeGreaterThanOrEqual(18);
  });

  it('conn_state-RST-behavior baseline: the four RST traces give exactly Zeek\'s (history, conn_state) pairs', async () => {
    // The same baseline file is stored beside each of the four traces: one line per trace.
    const expected = readFileSync(join(T, 'tcp/single-rst.pcap.scripts.base.protocols.conn.conn_state-RST-behavior.out.baseline'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .sort();
    const got: string[] = [];
    for (const t of ['tcp/single-rst.pcap', 'tcp/syn-then-rst.pcap', 'tcp/syn-then-ack-then-rst.pcap', 'tcp/syn-then-stuff-then-rst.pcap']) {
      const cs = await conns(t);
      expect(cs.length, t).toBe(1);
      got.push(`${cs[0]!.history}, ${cs[0]!.state}`);
    }
    expect(got.sort()).toEqual(expected);
  });

  // Regression (fixed): src/reassembly/tcp-tracker.ts updateZeek, "endpoint states"): a SYN-ACK from an
  // INACTIVE responder sets SYN_ACK_SENT, and an INACTIVE originator's pure ACK then becomes
  // PARTIAL. Zeek (analyzer/protocol/tcp/TCPSessionAdapter::UpdateInactiveState) sets the
  // SYN-ACK sender ESTABLISHED, and an INACTIVE endpoint's ACK with the peer ESTABLISHED
  // becomes ESTABLISHED ("we just missed that initial SYN"), so a connection whose SYN was
  // not captured is S1, not OTH. Repro: zeek Traces/krb/optional-service-name.pcap → Zeek
  // conn.log S1 ^hADd; ours OTH ^hADd.
  it('SYN-ACK-first connection (krb/optional-service-name.pcap) is S1 as in Zeek', async () => {
    const cs = await conns('krb/optional-service-name.pcap');
    expect(cs.map((c) => `${c.state} ${c.history}`)).toEqual(['S1 ^hADd']);
  });
});
