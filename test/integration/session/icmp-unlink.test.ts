/**
 * An ICMP error kept for the report must not keep the connection it quotes in memory once that
 * connection is let go: the error keeps the connection's id (what the report shows), not the object.
 * Lab capture: an RDP client's SYNs answered by ICMP host unreachable from a router.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/capture/file-source.js';
import { TrafficEngine } from '../../../src/reassembly/engine.js';
import { buildIcmp } from '../../../src/report/build-capture.js';

const FILE = join(__dirname, '../../../captures/lab/icmp-unreachable-host-client.pcapng');

describe.skipIf(!existsSync(FILE))('ICMP errors and connections let go', () => {
  it('keep the id, not the connection', async () => {
    const released: { id: number; ports: [number, number] }[] = [];
    const engine = new TrafficEngine({ evicted: (c) => released.push({ id: c.id, ports: [c.client.port, c.server.port] }) });
    engine.evictEvery = 1_000_000; // no eviction while reading
    engine.maxRetained = 0;
    await new FileSource(FILE, 0).run({ frame: (f) => engine.frame(f), issue: () => {}, interface: () => {}, secrets: () => {} });
    engine.finish();
    const errors = engine.icmpErrors;
    expect(errors.length).toBeGreaterThan(0);
    // While the connection is held, the error points at it…
    expect(errors.every((e) => e.connection !== null && e.connection.id === e.connectionId)).toBe(true);
    const before = buildIcmp(engine);
    // …once everything is let go (nothing is wanted: no session layer here), only the id is left.
    engine.settle();
    expect(engine.flows.size).toBe(0);
    expect(errors.every((e) => e.connection === null && e.connectionId !== null)).toBe(true);
    expect(buildIcmp(engine)).toEqual(before);
    for (const e of before) {
      const c = released.find((x) => x.id === e.connection);
      expect(c?.ports).toEqual([e.quoted.srcPort, e.quoted.dstPort]);
    }
  });
});
