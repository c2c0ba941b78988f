/**
 * The end of a large capture: what is still open when the capture ends is held for the diagnosis
 * only if the diagnosis would have kept it had it finished earlier (`Session.releasable`), once
 * more connections are held than the retention limit. Small captures keep everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { MAX_RETAINED } from '../../../src/reassembly/engine.js';
import { writeTcpPcap, type SynthSegment } from '../../helpers/synth-pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'rdpdiag-settle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** n unanswered RDP SYNs and n established, still open port-80 connections, interleaved over one second. */
function write(n: number): string {
  const file = join(dir, `open-${n}.pcap`);
  function* segs(): Generator<SynthSegment> {
    for (let i = 0; i < n; i++) {
      const t = 1_700_000_000 + i / n;
      const client = 0x0a020000 + i;
      yield { ts: t, src: client, dst: 0x0a000001, sport: 40000, dport: 3389, seq: 7, flags: 0x02 };
      yield { ts: t + 1e-5, src: client, dst: 0x0a000002, sport: 40001, dport: 80, seq: 9, flags: 0x02 };
      yield { ts: t + 2e-5, src: 0x0a000002, dst: client, sport: 80, dport: 40001, seq: 99, flags: 0x12 };
      yield { ts: t + 3e-5, src: client, dst: 0x0a000002, sport: 40001, dport: 80, seq: 10, flags: 0x10 };
    }
  }
  writeTcpPcap(file, segs());
  return file;
}

async function heldAtDiagnosis(file: string): Promise<{ held: number; reported: number; ports: Set<number> }> {
  let held = -1;
  let ports = new Set<number>();
  const report = await analyzeFiles([file], {
    extend: [
      (_r, ctx) => {
        held = ctx.engine.flows.size;
        ports = new Set(ctx.engine.flows.all.map((c) => c.server.port));
      },
    ],
  });
  return { held, reported: report.connections.length, ports };
}

describe('end of capture', () => {
  it('lets go of open connections the diagnosis does not need when over the retention limit', async () => {
    const n = MAX_RETAINED + 500;
    const big = await heldAtDiagnosis(write(n));
    expect(big.reported).toBe(2 * n);
    expect(big.held).toBe(n);
    expect([...big.ports]).toEqual([3389]);
  }, 60_000);

  it('keeps everything in a small capture', async () => {
    const n = Math.floor(MAX_RETAINED / 2) - 50;
    const small = await heldAtDiagnosis(write(n));
    expect(small.reported).toBe(2 * n);
    expect(small.held).toBe(2 * n);
    expect([...small.ports].sort()).toEqual([3389, 80]);
  }, 60_000);

  it('does not shrink what the diagnosis reads of a connection still open at the end', async () => {
    // One RDP connection reset 150 times by the server (150 tcp.rst events, more than a finished
    // connection keeps: COMPACT_EVENTS), among more open connections than the retention limit.
    const file = join(dir, 'resets.pcap');
    const n = MAX_RETAINED + 100;
    function* segs(): Generator<SynthSegment> {
      const c = 0x0a030001;
      const s = 0x0a000001;
      yield { ts: 1_700_000_000, src: c, dst: s, sport: 50000, dport: 3389, seq: 1, flags: 0x02 };
      yield { ts: 1_700_000_000.001, src: s, dst: c, sport: 3389, dport: 50000, seq: 100, ack: 2, flags: 0x12 };
      yield { ts: 1_700_000_000.002, src: c, dst: s, sport: 50000, dport: 3389, seq: 2, ack: 101, flags: 0x10 };
      for (let i = 0; i < 150; i++) yield { ts: 1_700_000_000.01 + i * 1e-4, src: s, dst: c, sport: 3389, dport: 50000, seq: 101, flags: 0x04 };
      for (let i = 0; i < n; i++) yield { ts: 1_700_000_000.1 + i * 1e-4, src: 0x0a040000 + i, dst: 0x0a000002, sport: 40001, dport: 80, seq: 9, flags: 0x02 };
    }
    writeTcpPcap(file, segs());
    const report = await analyzeFiles([file], {});
    const rdp = report.connections.find((c) => c.server.port === 3389) as unknown as { events: { type: string }[]; eventsNotListed?: number };
    expect(rdp.events.filter((e) => e.type === 'tcp.rst')).toHaveLength(150);
    expect(rdp.eventsNotListed ?? 0).toBe(0);
  }, 60_000);
});

