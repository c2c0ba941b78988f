/**
 * TPKT framing, fast-path length and X.224 CR/CC/DR parsing.
 * Fixtures are hand-built from MS-RDPBCGR 2.2.1.1/2.2.1.2 and protocol-facts 4.1–4.4, plus the
 * real CR/CC of RDP-004.pcap (bytes copied from tshark's tcp.payload of frames 4 and 5).
 */
import { describe, expect, it } from 'vitest';
import { isParseError } from '../../../../src/protocols/rdp/parse-error.js';
import { INVALID, NEED_MORE, fastPathLength, tpktLength } from '../../../../src/protocols/rdp/tpkt.js';
import { parseConnectionConfirm, parseConnectionRequest, parseDisconnectRequest } from '../../../../src/protocols/rdp/x224.js';
import { hex, ofType, runStream } from './helpers/run.js';

/** Wraps an X.224 TPDU (starting at LI) in a TPKT header. */
function tpkt(x224: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + x224.length);
  out.set([3, 0, (out.length >> 8) & 0xff, out.length & 0xff]);
  out.set(x224, 4);
  return out;
}

/** CR TPDU with LI computed: E0, DST-REF 0, SRC-REF 0, class 0, then the variable part. */
function cr(variable: Uint8Array): Uint8Array {
  const x = new Uint8Array(7 + variable.length);
  x.set([6 + variable.length, 0xe0, 0, 0, 0, 0, 0]);
  x.set(variable, 7);
  return tpkt(x);
}
function cc(variable: Uint8Array): Uint8Array {
  const x = new Uint8Array(7 + variable.length);
  x.set([6 + variable.length, 0xd0, 0, 0, 0x12, 0x34, 0]);
  x.set(variable, 7);
  return tpkt(x);
}
const ascii = (s: string): Uint8Array => new Uint8Array([...s].map((c) => c.charCodeAt(0)));
const cat = (...p: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(p.reduce((a, x) => a + x.length, 0));
  let o = 0;
  for (const x of p) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

const NEG_REQ_HYBRID_EX_CORR = hex('01 08 08 00 1b 00 00 00'); // flags CORRELATION_INFO_PRESENT, SSL|HYBRID|HYBRID_EX|RDSTLS
const CORRELATION = hex('06 00 24 00 00112233445566778899aabbccddeeff 00000000000000000000000000000000');
const CR_FULL = cr(cat(ascii('Cookie: mstshash=alice\r\n'), NEG_REQ_HYBRID_EX_CORR, CORRELATION));
/** Real RDP-004.pcap frame 4 (client CR) and 5 (server CC with RDP_NEG_FAILURE 2). */
const RDP004_CR = hex('0300002f2ae00000000000436f6f6b69653a206d737473686173683d465442434f5c4137300d0a0100080001000000');
const RDP004_CC_FAIL = hex('030000130ed000001234000300080002000000');

describe('TPKT and fast-path lengths', () => {
  it('reads TPKT lengths and refuses bad versions / short lengths', () => {
    expect(tpktLength(hex('03 00 00 13'), 0, 4)).toBe(19);
    expect(tpktLength(hex('03 00 00'), 0, 3)).toBe(NEED_MORE);
    expect(tpktLength(hex('03 00 00 06'), 0, 4)).toBe(INVALID); // < 7
    expect(tpktLength(hex('16 03 01 00'), 0, 4)).toBe(INVALID);
  });
  it('reads 1- and 2-byte fast-path lengths', () => {
    expect(fastPathLength(hex('00 23'), 0, 2)).toBe(0x23);
    expect(fastPathLength(hex('00 80'), 0, 2)).toBe(NEED_MORE);
    expect(fastPathLength(hex('44 9a 1c'), 0, 3)).toBe(0x1a1c);
    expect(fastPathLength(hex('00 01'), 0, 2)).toBe(INVALID); // shorter than its own header
    expect(fastPathLength(hex('03 10'), 0, 2)).toBe(INVALID); // action bits 11 = X.224
  });
});

describe('X.224 Connection Request', () => {
  it('decodes cookie, RDP_NEG_REQ (RDSTLS/HYBRID_EX) and correlation info', () => {
    const r = parseConnectionRequest(CR_FULL, 4, CR_FULL.length);
    expect(r).toEqual({
      cookie: 'alice',
      negotiationRequest: true,
      negFlags: 0x08,
      requestedProtocols: 0x1b,
      correlationId: '00112233445566778899aabbccddeeff',
    });
  });
  it('decodes routing tokens (msts, tsv://) instead of a cookie', () => {
    const t1 = cr(cat(ascii('Cookie: msts=3640205228.15629.0000\r\n'), hex('01 00 08 00 03 00 00 00')));
    const r1 = parseConnectionRequest(t1, 4, t1.length);
    expect(r1).toMatchObject({ routingToken: 'Cookie: msts=3640205228.15629.0000', requestedProtocols: 3 });
    expect(r1).not.toHaveProperty('cookie');
    const t2 = cr(cat(ascii('tsv://MS Terminal Services Plugin.1.Sessions\r\n')));
    expect(parseConnectionRequest(t2, 4, t2.length)).toEqual({ routingToken: 'tsv://MS Terminal Services Plugin.1.Sessions', negotiationRequest: false });
  });
  it('accepts a CR with nothing but the fixed part, and RDSAAD requested', () => {
    const bare = cr(new Uint8Array(0));
    expect(parseConnectionRequest(bare, 4, bare.length)).toEqual({ negotiationRequest: false });
    const aad = cr(hex('01 00 08 00 10 00 00 00'));
    expect(parseConnectionRequest(aad, 4, aad.length)).toMatchObject({ requestedProtocols: 0x10 });
  });
  it('decodes the real RDP-004 CR (as tshark: mstshash=FTBCO\\A70, requestedProtocols 0x1)', () => {
    expect(parseConnectionRequest(RDP004_CR, 4, RDP004_CR.length)).toEqual({
      cookie: 'FTBCO\\A70',
      negotiationRequest: true,
      negFlags: 0,
      requestedProtocols: 1,
    });
  });
  it('reports malformed variable parts without throwing', () => {
    const noCrLf = cr(ascii('Cookie: mstshash=alice'));
    expect(isParseError(parseConnectionRequest(noCrLf, 4, noCrLf.length))).toBe(true);
    const badLen = cr(hex('01 00 09 00 01 00 00 00'));
    const r = parseConnectionRequest(badLen, 4, badLen.length);
    expect(r).toMatchObject({ requestedProtocols: 1, warning: { error: expect.stringContaining('length 9') } });
    const junk = cr(hex('ff ff ff'));
    expect(parseConnectionRequest(junk, 4, junk.length)).toMatchObject({ warning: { error: expect.stringContaining('unexpected') } });
    const shortLi = hex('03 00 00 0a 04 e0 00 00 00 00');
    expect(isParseError(parseConnectionRequest(shortLi, 4, shortLi.length))).toBe(true);
  });
});

describe('X.224 Connection Confirm', () => {
  it('decodes RDP_NEG_RSP with flags', () => {
    const t = cc(hex('02 1f 08 00 08 00 00 00'));
    expect(parseConnectionConfirm(t, 4, t.length)).toEqual({ negotiation: 'response', selectedProtocol: 8, responseFlags: 0x1f });
  });
  it.each([1, 2, 3, 4, 5, 6, 7, 0x1234])('decodes RDP_NEG_FAILURE code %i (unknown codes kept as numbers)', (code) => {
    const v = hex('03 00 08 00 00 00 00 00');
    new DataView(v.buffer).setUint32(4, code, true);
    const t = cc(v);
    expect(parseConnectionConfirm(t, 4, t.length)).toEqual({ negotiation: 'failure', failureCode: code });
  });
  it('a bare CC (LI 6) means no negotiation', () => {
    const t = cc(new Uint8Array(0));
    expect(t[4]).toBe(6);
    expect(parseConnectionConfirm(t, 4, t.length)).toEqual({ negotiation: 'none' });
  });
  it('decodes the real RDP-004 CC (RDP_NEG_FAILURE SSL_NOT_ALLOWED_BY_SERVER)', () => {
    expect(parseConnectionConfirm(RDP004_CC_FAIL, 4, RDP004_CC_FAIL.length)).toEqual({ negotiation: 'failure', failureCode: 2 });
  });
  it('flags bad lengths and unknown types (Zeek rdp-invalid-length style)', () => {
    const t = cc(hex('02 03 00 00 01 00 00 02'));
    // Zeek rejects a negotiation structure whose length is not 8 (rdp-invalid-length baseline): no selected protocol.
    const bad = parseConnectionConfirm(t, 4, t.length);
    expect(bad).toMatchObject({ negotiation: 'unknown', warning: { error: expect.stringContaining('length 0') } });
    expect((bad as { selectedProtocol?: number }).selectedProtocol).toBeUndefined();
    const u = cc(hex('09 00 08 00 00 00 00 00'));
    expect(parseConnectionConfirm(u, 4, u.length)).toMatchObject({ negotiation: 'unknown', negType: 9 });
    const short = cc(hex('02 00 08'));
    expect(isParseError(parseConnectionConfirm(short, 4, short.length))).toBe(true);
  });
});

describe('X.224 Disconnect Request', () => {
  it('reads the reason', () => {
    const dr = tpkt(hex('06 80 00 00 12 34 03'));
    expect(parseDisconnectRequest(dr, 4, dr.length)).toBe(3);
    const ev = runStream([{ dir: 1, frame: 9, ts: 1, data: dr }]).events;
    expect(ev).toEqual([{ type: 'rdp.x224_disconnect_request', frame: 9, ts: 1, dir: 1, reason: 3 }]);
  });
});

describe('every-prefix truncation (stream decoder)', () => {
  for (const [name, pdu, dir] of [
    ['hand-built CR', CR_FULL, 0],
    ['RDP-004 CR', RDP004_CR, 0],
    ['RDP-004 CC', RDP004_CC_FAIL, 1],
  ] as const) {
    it(`${name}: no prefix produces an event, the whole PDU does`, () => {
      for (let n = 1; n < pdu.length; n++) {
        const { events } = runStream([{ dir, frame: 1, ts: 0, data: pdu.subarray(0, n) }]);
        expect(events.filter((e) => e.type !== 'analyzer.violation')).toEqual([]);
        // end() inside the PDU is reported as an issue
        expect(events.some((e) => e.type === 'analyzer.violation' && /ended inside a PDU/.test((e as { message: string }).message))).toBe(true);
      }
      const { events } = runStream([{ dir, frame: 1, ts: 0, data: pdu }]);
      expect(events.filter((e) => e.type !== 'analyzer.violation')).toHaveLength(1);
    });
  }
  it('parsers on every prefix of the TPDU never throw', () => {
    for (const pdu of [CR_FULL, RDP004_CR, RDP004_CC_FAIL]) {
      for (let n = 0; n <= pdu.length; n++) {
        expect(() => parseConnectionRequest(pdu, 4, n)).not.toThrow();
        expect(() => parseConnectionConfirm(pdu, 4, n)).not.toThrow();
        expect(() => parseDisconnectRequest(pdu, 4, n)).not.toThrow();
      }
    }
  });
});

describe('malformed input', () => {
  it('a stream that is not RDP is given up with one issue', () => {
    const { events } = runStream([{ dir: 0, frame: 3, ts: 0, data: ascii('GET / HTTP/1.1\r\n\r\n') }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'analyzer.violation', protocol: 'rdp', frame: 3, offset: 0 });
  });
  it('random bytes never throw', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(rnd() * 60);
      const b = new Uint8Array(n);
      for (let j = 0; j < n; j++) b[j] = Math.floor(rnd() * 256);
      if (n > 0) b[0] = 3; // force a TPKT start half of the time
      if (n > 3 && rnd() < 0.5) {
        b[1] = 0;
        b[2] = 0;
        b[3] = n;
      }
      expect(() => runStream([{ dir: (i & 1) as 0 | 1, frame: 1, ts: 0, data: b }])).not.toThrow();
      expect(() => parseConnectionRequest(b, 4, b.length)).not.toThrow();
      expect(() => parseConnectionConfirm(b, 4, b.length)).not.toThrow();
    }
    expect(ofType(runStream([{ dir: 0, frame: 1, ts: 0, data: CR_FULL }]).events, 'rdp.x224_connection_request')).toHaveLength(1);
  });
});
