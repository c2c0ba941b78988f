/**
 * Issue 12: the same lab scenarios captured at the client, at the server and on the in-path router
 * with `tcpdump -i any` (SLL2, both legs; test/lab/scenarios-vantage.sh), with and without the key
 * log. Each capture gets the verdict its manifest entry expects from that vantage point
 * (`expectedCauseHere` when the point cannot see the scenario's cause), the user's attempt is judged
 * with --client / --failed-at, and the vantage and de-duplication facts are checked against tshark.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { HAVE_TSHARK, REPO } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

interface Meta {
  file: string;
  expectedCause: string;
  expectedCauseHere?: string;
  expectedConfidenceHere?: string;
  side: string;
  keylog: string | null;
  analyses?: { client?: string; failedAtFirstConnection?: boolean; expectedCause: string }[];
}

const META = join(REPO, 'captures', 'lab', '.meta');
const metas: Meta[] = existsSync(META)
  ? readdirSync(META).filter((f) => f.startsWith('vantage-') && f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(META, f), 'utf8')) as Meta)
  : [];
const path = (m: Meta) => join(REPO, 'captures', m.file);

type V = { cause: string; confidence: string; summary: string };
type Conn = Record<string, unknown> & { protocol?: string; client: { ip: string; port: number }; vantage: { point: string; copiesOnSecondLeg: number }; tcp: { retransmissions: number }; reset?: { verdict: string; comparedWith: string } };

async function fields(file: string, filter: string, f: string[]): Promise<string[][]> {
  const r = await tshark(['-r', file, '-Y', filter, '-T', 'fields', ...f.flatMap((x) => ['-e', x])]);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));
}

describe('vantage-point lab captures get the verdict their vantage point can give', () => {
  it('the scenarios were captured at all three points', () => {
    expect(metas.length).toBeGreaterThanOrEqual(27);
    for (const m of metas) expect(existsSync(path(m)), m.file).toBe(true);
    expect(new Set(metas.map((m) => m.side))).toEqual(new Set(['client', 'server', 'router']));
  });
  for (const m of metas) {
    const expected = m.expectedCauseHere ?? m.expectedCause;
    it(`${m.file} → ${expected}${m.keylog ? ' (with key log)' : ''}`, async () => {
      const r = await analyzeFiles([path(m)], { keylogs: m.keylog ? [join(REPO, 'captures', m.keylog)] : [] });
      const v = r['verdict'] as V;
      expect(v.cause, v.summary).toBe(expected);
      if (m.expectedConfidenceHere) expect(v.confidence, v.summary).toBe(m.expectedConfidenceHere);
    });
    if (m.keylog) {
      it(`${m.file} → ${expected} (without the key log): the same cause, or an unconfident unknown`, async () => {
        const r = await analyzeFiles([path(m)], { decrypt: false });
        const v = r['verdict'] as V;
        if (v.cause !== expected) {
          expect(v.cause, `${v.cause} (${v.confidence}): ${v.summary}`).toBe('unknown');
          expect(v.confidence).not.toBe('high');
        }
      });
    }
    for (const a of m.analyses ?? []) {
      const what = a.client ? `--client ${a.client}` : '--failed-at the first connection\'s reset';
      it.skipIf(a.failedAtFirstConnection && !HAVE_TSHARK)(`${m.file} with ${what} → ${a.expectedCause}`, async () => {
        let failedAt: number | null = null;
        if (a.failedAtFirstConnection) {
          // The moment the user saw the failure: the first reset on the wire (tshark), a second later.
          const rows = await fields(path(m), 'tcp.port==3389 && tcp.flags.reset==1', ['frame.time_epoch']);
          failedAt = Number(rows[0]![0]) + 1;
        }
        const r = await analyzeFiles([path(m)], { client: a.client ?? null, failedAt, decrypt: false });
        const v = r['verdict'] as V;
        expect(v.cause, v.summary).toBe(a.expectedCause);
      });
    }
  }
});

describe.skipIf(!HAVE_TSHARK)('vantage facts against the wire', () => {
  const scenario = (name: string, side: string) => join(REPO, 'captures', 'lab', `${name}-${side}.pcapng`);
  const rdpConns = async (file: string) => ((await analyzeFiles([file], { decrypt: false })).connections as unknown as Conn[]).filter((c) => c.protocol === 'rdp');

  it('client and server captures are placed by their unchanged TTLs (tshark: 64 from the local side, 63 across the router)', async () => {
    for (const [side, point, local] of [['client', 'client', '10.77.1.2'], ['server', 'server', '10.77.2.2']] as const) {
      const file = scenario('vantage-client-disconnect', side);
      const ttls = new Set((await fields(file, `tcp.port==3389 && ip.src==${local}`, ['ip.ttl'])).map((r) => r[0]));
      expect([...ttls]).toEqual(['64']);
      const c = (await rdpConns(file))[0]!;
      expect(c.vantage.point).toBe(point);
    }
  });

  for (const name of ['vantage-client-disconnect', 'vantage-forged-rst-midsession', 'vantage-path-dies', 'vantage-xrdp-killed']) {
    it(`${name}: the router's -i any capture is two-legged, every forwarded copy is skipped, and TCP analysis counts what the client-side capture counts`, async () => {
      const router = scenario(name, 'router');
      // Forwarded copies: leaving the router (SLL2 packet type 4, outgoing) with the TTL lowered by it (63).
      const copies = (await fields(router, 'tcp.port==3389 && sll.pkttype==4 && ip.ttl==63', ['frame.number'])).length;
      const conns = await rdpConns(router);
      expect(conns.reduce((n, c) => n + c.vantage.copiesOnSecondLeg, 0)).toBe(copies);
      expect(conns.every((c) => c.vantage.point === 'in-path-both-legs')).toBe(true);
      for (const c of conns) {
        const rtx = (await fields(scenario(name, 'client'), `tcp.port==${c.client.port} && tcp.analysis.retransmission`, ['frame.number'])).length;
        expect(c.tcp.retransmissions, `connection from port ${c.client.port}`).toBe(rtx);
      }
    });
  }

  it('a reset forged by the router is judged on its own leg, against the copies of the server\'s packets there', async () => {
    const router = scenario('vantage-forged-rst-midsession', 'router');
    // The RST "from the server" leaves on the client's leg with TTL 64, where the server's forwarded packets have 63.
    const rst = (await fields(router, 'tcp.port==3389 && tcp.flags.reset==1 && ip.src==10.77.2.2', ['sll.ifindex', 'ip.ttl']))[0]!;
    const serverOnThatLeg = new Set((await fields(router, `tcp.port==3389 && ip.src==10.77.2.2 && sll.ifindex==${rst[0]} && tcp.flags.reset==0`, ['ip.ttl'])).map((r) => r[0]));
    expect(rst[1]).toBe('64');
    expect([...serverOnThatLeg]).toEqual(['63']);
    const c = (await rdpConns(router)).find((x) => x.reset)!;
    expect(c.reset!.verdict).toBe('middlebox');
    expect(c.reset!.comparedWith).toBe('other-leg-copies');
  });

  it('the server\'s own reset matches its stack on every capture point (TTL and IP ID continuing its counter)', async () => {
    for (const side of ['client', 'server', 'router']) {
      const c = (await rdpConns(scenario('vantage-server-rst', side))).find((x) => x.reset)!;
      expect(c.reset!.verdict, side).toBe('peer');
      expect((c.reset as unknown as { matchesPeerStack: boolean }).matchesPeerStack, side).toBe(true);
    }
  });
});
