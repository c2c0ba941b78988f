/**
 * Memory bounds over long captures: finished connections are summarised and dropped during the
 * run (eviction on capture time), and finished connections the diagnosis wants are kept only up
 * to a limit (retention), sessions that reached the active phase going first. Run on every lab
 * capture at once, in the order they were made (real connections made by xrdp, xfreerdp, freerdp-shadow-cli, krb5kdc and
 * nginx over several minutes of capture time): whatever is dropped or retired along the way,
 * every connection is reported exactly once and its transport summary is the one it gets when
 * everything is kept to the end.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import type { ConnectionReport, Report } from '../../../src/report/model.js';
import { FlowTable, KEEP_OPEN, RETAIN } from '../../../src/reassembly/flow-table.js';
import { Packet, TcpFlag } from '../../../src/decode/packet.js';
import type { Connection } from '../../../src/reassembly/connection.js';

const LAB = join(import.meta.dirname, '../../../captures/lab');
const LAB_FILES = readdirSync(LAB)
  // One vantage point: a server-side (or in-path router) copy of the same traffic would merge with the client's.
  .filter((f) => /\.pcapng?$/.test(f) && !/-(server|router)(-[a-z0-9]+)?\.pcapng?$/.test(f))
  .map((f) => join(LAB, f));
/** Several files are read as one capture (e.g. rotated files): here in the order they were made. */
let FILES: string[] = [];

beforeAll(async () => {
  const first = new Map<string, string>();
  for (const f of LAB_FILES) first.set(f, (await analyzeFiles([f], { sessions: false, diagnose: false })).capture.first ?? '');
  FILES = [...LAB_FILES].sort((a, b) => first.get(a)!.localeCompare(first.get(b)!));
});

/** What eviction must not change: the transport summary and the session's phase. */
const key = (c: ConnectionReport) =>
  JSON.stringify([c.transport, c.client, c.server, c.firstFrame, c.lastFrame, c.state, c.history, c.packets, c.bytes, c.tcp, c['protocol'], c['phase']]);

async function run(opts: { evictEvery: number; maxRetained?: number }): Promise<{ report: Report; streamed: ConnectionReport[] }> {
  const streamed: ConnectionReport[] = [];
  const report = await analyzeFiles(FILES, { ...opts, streamAll: true, onConnection: (c) => streamed.push(c) });
  return { report, streamed };
}

describe('eviction and the retention limit on the lab captures', () => {
  it('reports every connection once, with the same summary, whatever is dropped during the run', async () => {
    expect(FILES.length).toBeGreaterThan(40);
    const all = await run({ evictEvery: 0 });
    const bounded = await run({ evictEvery: 16, maxRetained: 5 });
    expect(all.report.connections).toEqual([]);
    expect(bounded.report.connections).toEqual([]);
    const ids = (r: ConnectionReport[]) => r.map((c) => `${c['file']}#${c.id}`).sort();
    expect(ids(bounded.streamed)).toEqual(ids(all.streamed));
    expect(new Set(ids(bounded.streamed)).size).toBe(bounded.streamed.length);
    const byId = new Map(all.streamed.map((c) => [`${c['file']}#${c.id}`, key(c)]));
    for (const c of bounded.streamed) expect(key(c), `${c['file']}#${c.id}`).toBe(byId.get(`${c['file']}#${c.id}`));
    // Without eviction nothing is retired; with a limit of 5, the lab's RDP connections overflow it.
    expect(all.report.capture.connectionsNotDiagnosed).toBe(0);
    const rdp = all.streamed.filter((c) => c['protocol'] === 'rdp' || c['protocol'] === 'rdp-gateway').length;
    expect(rdp).toBeGreaterThan(20);
    expect(bounded.report.capture.connectionsNotDiagnosed).toBeGreaterThan(0);
    expect(bounded.report.capture.connectionsNotDiagnosed).toBeLessThan(all.streamed.length);
    // The verdict says what it could not look at; with everything kept it says nothing of the kind.
    const reason = (r: Report) => (r['verdict'] as { reason: string | null }).reason ?? '';
    expect(reason(bounded.report)).toMatch(/summarised without being diagnosed/);
    expect(reason(all.report)).not.toMatch(/summarised without being diagnosed/);
  }, 120_000);
});

describe('FlowTable.retire', () => {
  function table(n: number): { t: FlowTable; conns: Connection[] } {
    const t = new FlowTable();
    const p = new Packet();
    const conns: Connection[] = [];
    for (let i = 0; i < n; i++) {
      p.ipVersion = 4;
      p.src4 = 0x0a000001;
      p.dst4 = 0x0a000002;
      p.srcPort = 50000 + i;
      p.dstPort = 3389;
      p.flags = TcpFlag.SYN;
      conns.push(t.lookup(p, 'tcp', i + 1, i, 0));
    }
    return { t, conns };
  }

  it('lets the oldest expendable connections go first, then the oldest of the rest, down to the limit', () => {
    const { t, conns } = table(8);
    t.evict((c) => (c.id <= 6 ? RETAIN : KEEP_OPEN), () => {});
    expect(t.retainedCount).toBe(6);
    const out: number[] = [];
    // ids 3 and 5 are expendable: they go before the older 1 and 2.
    t.retire(3, (c) => c.id === 3 || c.id === 5, (c) => out.push(c.id));
    expect(out.sort()).toEqual([1, 3, 5]);
    expect(t.retainedCount).toBe(3);
    expect(t.retired).toBe(3);
    expect(t.all.map((c) => c.id)).toEqual([2, 4, 6, 7, 8]);
    // A retired connection is out of the lookup table: the same 4-tuple makes a new connection.
    const p = new Packet();
    Object.assign(p, { ipVersion: 4, src4: 0x0a000001, dst4: 0x0a000002, srcPort: 50000, dstPort: 3389, flags: TcpFlag.ACK });
    expect(t.lookup(p, 'tcp', 99, 99, 0)).not.toBe(conns[0]);
    Object.assign(p, { srcPort: 50001 });
    expect(t.lookup(p, 'tcp', 100, 100, 0)).toBe(conns[1]);
  });
});
