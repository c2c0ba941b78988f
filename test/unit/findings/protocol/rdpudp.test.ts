/**
 * rdpudp.failed on Zeek's RDP-UDP traces: the SYN datagrams and the absence of any reply come
 * from tshark (udp ports/lengths); the TCP session's activity decides the wording.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { byId, HAVE_PUBLIC, HAVE_TSHARK, highFailures, PUBLIC, run, tshark } from './helpers.js';

const Z = (n: string): string => path.join(PUBLIC, 'zeek__zeek/testing/btest/Traces/rdp', n);

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('rdpudp.failed (skipped without ../shared or tshark)', () => {
  for (const name of ['rdp-rdpeudp-handshake-fail.pcap', 'rdpeudp-handshake-fail.pcap']) {
    it(`${name}: client SYN datagrams to UDP 3389 with no reply → context only`, async () => {
      const file = Z(name);
      const toServer = tshark(file, 'udp.dstport==3389', ['frame.number', 'udp.length']);
      const fromServer = tshark(file, 'udp.srcport==3389', ['frame.number']);
      expect(fromServer).toHaveLength(0);
      // RDP-UDP SYNs are padded to 1132–1232 payload bytes (udp.length includes the 8-byte header)
      for (const r of toServer) expect(Number(r[1]) - 8).toBeGreaterThanOrEqual(1132);
      const run_ = await run(file);
      const f = byId(run_, 'rdpudp.failed');
      expect(f).toHaveLength(1);
      expect(f[0]!.frames).toEqual(toServer.map((r) => Number(r[0])));
      expect(f[0]!.cause).toBeNull();
      expect(highFailures(run_)).toHaveLength(0);
    });
  }

  it('rdp-rdpeudp-handshake-success.pcap: SYN+ACK came back → silent', async () => {
    const file = Z('rdp-rdpeudp-handshake-success.pcap');
    expect(tshark(file, 'udp.srcport==3389', ['frame.number']).length).toBeGreaterThan(0);
    const r = await run(file);
    expect(byId(r, 'rdpudp.failed')).toHaveLength(0);
  });
});
