/**
 * A TCP connection to a KDC (port 88) that was never answered is a failing flow NLA depends on:
 * once it times out on capture time it is kept for the diagnosis (not let go like a Kerberos
 * exchange that was answered), so its "never answered" finding survives a long capture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { writeTcpPcap, type SynthSegment } from '../../helpers/synth-pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'rdpdiag-krb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_700_000_000;
const CLIENT = 0x0a000005;
const KDC = 0x0a000058;
/** Two SYNs to the KDC (one answered with SYN-ACK), then ten minutes of unrelated UDP-less TCP chatter. */
function* capture(): Generator<SynthSegment> {
  yield { ts: T0, src: CLIENT, dst: KDC, sport: 50001, dport: 88, seq: 1, flags: 0x02 };
  yield { ts: T0 + 0.01, src: CLIENT, dst: KDC, sport: 50002, dport: 88, seq: 1, flags: 0x02 };
  yield { ts: T0 + 0.011, src: KDC, dst: CLIENT, sport: 88, dport: 50002, seq: 900, flags: 0x12 };
  yield { ts: T0 + 0.012, src: CLIENT, dst: KDC, sport: 50002, dport: 88, seq: 2, flags: 0x10 };
  // Later traffic on another connection, past the 300 s TCP idle timeout, checked every few frames.
  for (let i = 0; i < 200; i++) yield { ts: T0 + 1 + i * 3, src: CLIENT, dst: 0x0a000009, sport: 50100 + i, dport: 8080, seq: 5, flags: 0x02 };
}

describe('Kerberos connections at their idle timeout', () => {
  it('keeps the unanswered one for the diagnosis and lets the answered one go', async () => {
    const file = join(dir, 'krb.pcap');
    writeTcpPcap(file, capture());
    const early: number[] = [];
    let ended = false;
    const report = await analyzeFiles([file], {
      evictEvery: 8,
      onConnection: (c) => {
        if (!ended && c.server.port === 88) early.push(c.client.port);
      },
      extend: [() => (ended = true)],
    });
    // The answered exchange left the table at its timeout, the unanswered one did not.
    expect(early).toEqual([50002]);
    const findings = (report['findings'] ?? []) as { cause: string | null; connection: number | null }[];
    const unanswered = report.connections.find((c) => c.server.port === 88 && c.client.port === 50001);
    expect(unanswered).toBeDefined();
    expect(findings.some((f) => f.connection === unanswered!.id && f.cause === 'tcp-connect-timeout')).toBe(true);
  });
});
