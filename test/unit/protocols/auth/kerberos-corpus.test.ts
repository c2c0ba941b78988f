/**
 * Kerberos on port 88 over real captures, checked against tshark 4.0.17: every message
 * tshark decodes must be decoded here with the same msg-type, error-code, stime/susec,
 * realms, principal names, etypes, padata types, nonce, kdc-options and till.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { KrbEvent } from '../../../../src/protocols/kerberos/events.js';
import { KerberosTcpDecoder, KerberosUdpDecoder } from '../../../../src/protocols/kerberos/framing.js';
import { type Agreement, compare } from './krb-compare.js';
import { canOracle, cap, fields, hexToBytes, SHARED, tsharkKerberos } from './oracle.js';

function corpusFiles(): string[] {
  if (!canOracle) return [];
  const m = JSON.parse(readFileSync(`${SHARED}/manifest.json`, 'utf8')) as {
    captures: { local: string; category: string; dup_of: string | null; summary: string; packets: string }[];
  };
  return m.captures
    .filter((c) => !c.dup_of && (c.category === '4-Kerberos' || (c.category === '1-RDP' && /KRB5/.test(c.summary))))
    .filter((c) => !/\.cap$/.test(c.local) || !m.captures.some((d) => d.local === `${c.local}.converted.pcapng`))
    .map((c) => c.local);
}

export type Ev = KrbEvent | DecodeIssue;

/** Decodes port-88 traffic of a capture with our decoders; events grouped by frame. */
export function decodeFile(file: string): { byFrame: Map<number, KrbEvent[]>; issues: DecodeIssue[] } {
  const byFrame = new Map<number, KrbEvent[]>();
  const issues: DecodeIssue[] = [];
  const sink = (e: Ev): void => {
    if (e.type === 'analyzer.violation') issues.push(e);
    else {
      const l = byFrame.get(e.frame) ?? [];
      l.push(e);
      byFrame.set(e.frame, l);
    }
  };
  const udp = new KerberosUdpDecoder(sink);
  for (const [f, sport, payload, ts] of fields(file, 'udp.port==88', ['frame.number', 'udp.srcport', 'udp.payload', 'frame.time_epoch'])) {
    if (!payload) continue;
    udp.datagram(sport === '88' ? 1 : 0, hexToBytes(payload), { frame: Number(f), ts: Number(ts) });
  }
  const tcp = new Map<string, KerberosTcpDecoder>();
  const rows = fields(file, 'tcp.port==88 && tcp.len>0 && !tcp.analysis.retransmission && !tcp.analysis.out_of_order', [
    'frame.number',
    'tcp.stream',
    'tcp.srcport',
    'tcp.payload',
    'frame.time_epoch',
  ]);
  for (const [f, stream, sport, payload, ts] of rows) {
    if (!payload || !stream) continue;
    let d = tcp.get(stream);
    if (!d) tcp.set(stream, (d = new KerberosTcpDecoder(sink)));
    d.push(sport === '88' ? 1 : 0, hexToBytes(payload), { frame: Number(f), ts: Number(ts) });
  }
  return { byFrame, issues };
}

const files = corpusFiles();

describe.skipIf(!canOracle)('Kerberos port 88 vs tshark (corpus)', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThan(20);
  });
  it('agrees with tshark on every Kerberos message on port 88', () => {
    const acc: Agreement = { messages: 0, fieldsCompared: 0, rejectedByBoth: 0, mismatches: [] };
    let issues = 0;
    const issueText: string[] = [];
    const byType = new Map<number, number>();
    for (const rel of files) {
      const file = cap(rel);
      const theirs = tsharkKerberos(file, 'kerberos && (udp.port==88 || tcp.port==88)');
      for (const l of theirs.values()) for (const t of l) byType.set(t.msgType, (byType.get(t.msgType) ?? 0) + 1);
      const mine = decodeFile(file);
      issues += mine.issues.length;
      compare(rel, theirs, mine.byFrame, acc);
      for (const i of mine.issues) issueText.push(`${rel} frame ${i.frame}: ${i.message}`);
    }
    console.log(
      `Kerberos corpus: ${files.length} captures, ${acc.messages} messages (${[...byType].map(([t, n]) => `${t}:${n}`).join(' ')}), ` +
        `${acc.fieldsCompared} fields compared, ${acc.mismatches.length} mismatches, ${acc.rejectedByBoth} malformed for both, ${issues} decode issues`,
    );
    console.log(issueText.join('\n'));
    expect(acc.mismatches.slice(0, 30)).toEqual([]);
    expect(acc.messages).toBeGreaterThan(300);
  });
});
