/**
 * RFC 6455 frame parsing. Fixtures are hand-built from RFC 6455 §5.7 examples and §5.2;
 * real frames are checked against tshark's WebSocket dissector in corpus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.js';
import { newWsFrameHeader, readWsFrameHeader, WebSocketParser } from '../../../../src/protocols/rdg/websocket.js';

function run(parts: Uint8Array[]) {
  const log: string[] = [];
  const data: number[] = [];
  const p = new WebSocketParser({
    onFrame: (h) => log.push(`frame op=${h.opcode} fin=${h.fin} mask=${h.masked} len=${h.payloadLength}`),
    onData: (d) => data.push(...d),
    onControl: (op, payload, info, ff) => log.push(`control ${op} ${Buffer.from(payload).toString('hex')} ${info.frame}/${ff}`),
    onText: (len) => log.push(`text ${len}`),
    onError: (o, m) => log.push(`error ${o} ${m}`),
  });
  for (const x of parts) p.push(x, { frame: 1, ts: 0 });
  return { log, data: Buffer.from(data).toString('hex'), mid: p.midFrame };
}

// RFC 6455 §5.7: masked "Hello" from client: 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58 (text).
// Same bytes with opcode binary (0x82) so the payload is delivered.
const MASKED_HELLO_BIN = fromHex('828537fa213d7f9f4d5158');
// Unmasked ping "Hello" (§5.7): 0x89 0x05 "Hello"; masked pong: 0x8a 0x85 + key + masked "Hello".
const PING = fromHex('890548656c6c6f');
const PONG = fromHex('8a8537fa213d7f9f4d5158');
// 256 bytes binary unmasked with 16-bit length (§5.7): 0x82 0x7E 0x0100 + payload.
const BIN256 = (() => {
  const b = new Uint8Array(4 + 256);
  b.set([0x82, 0x7e, 0x01, 0x00]);
  for (let i = 0; i < 256; i++) b[4 + i] = i;
  return b;
})();
// 64-bit length: 65536 bytes, masked (key 01020304).
const BIN64K = (() => {
  const n = 65536;
  const b = new Uint8Array(14 + n);
  b.set([0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4]);
  for (let i = 0; i < n; i++) b[14 + i] = (i & 0xff) ^ [1, 2, 3, 4][i & 3]!;
  return b;
})();
// Close 1000 "bye", masked with key 00000000 → payload 03e8 627965.
const CLOSE = fromHex('888500000000' + '03e8627965');
// Fragmented binary message: first frame FIN=0 "ab", continuation FIN=1 "cd".
const FRAG = fromHex('02026162' + '80026364');

describe('readWsFrameHeader', () => {
  it('7, 16 and 64-bit lengths, mask key', () => {
    const h = newWsFrameHeader();
    expect(readWsFrameHeader(MASKED_HELLO_BIN, 0, MASKED_HELLO_BIN.length, h)).toBe(6);
    expect(h).toMatchObject({ fin: true, opcode: 2, masked: true, payloadLength: 5, maskKey: 0x37fa213d });
    expect(readWsFrameHeader(BIN256, 0, BIN256.length, h)).toBe(4);
    expect(h.payloadLength).toBe(256);
    expect(readWsFrameHeader(BIN64K, 0, BIN64K.length, h)).toBe(14);
    expect(h.payloadLength).toBe(65536);
    expect(h.maskKey).toBe(0x01020304);
  });
  it('needs more bytes for every header prefix; rejects lengths beyond 2^53', () => {
    const h = newWsFrameHeader();
    for (let n = 0; n < 14; n++) expect(readWsFrameHeader(BIN64K, 0, n, h)).toBe(0);
    expect(readWsFrameHeader(fromHex('827f8000000000000000'), 0, 10, h)).toBe(-1);
  });
});

describe('WebSocketParser', () => {
  const all = [MASKED_HELLO_BIN, PING, PONG, BIN256, FRAG, BIN64K, CLOSE];
  const stream = Buffer.concat(all);
  it('frames, unmasking, control frames', () => {
    const r = run([stream]);
    expect(r.log).toEqual([
      'frame op=2 fin=true mask=true len=5',
      'frame op=9 fin=true mask=false len=5',
      'control 9 48656c6c6f 1/1',
      'frame op=10 fin=true mask=true len=5',
      'control 10 48656c6c6f 1/1',
      'frame op=2 fin=true mask=false len=256',
      'frame op=2 fin=false mask=false len=2',
      'frame op=0 fin=true mask=false len=2',
      'frame op=2 fin=true mask=true len=65536',
      'frame op=8 fin=true mask=true len=5',
      'control 8 03e8627965 1/1',
    ]);
    expect(r.data.slice(0, 10)).toBe('48656c6c6f'); // "Hello" unmasked
    const expectedData =
      '48656c6c6f' + Buffer.from(BIN256.subarray(4)).toString('hex') + '61626364' + Buffer.from(Uint8Array.from({ length: 65536 }, (_, i) => i & 0xff)).toString('hex');
    expect(r.data).toBe(expectedData);
    expect(r.mid).toBe(false);
  });
  it('chunk-split invariance: every split of the small frames, random splits of the whole', () => {
    const small = Buffer.concat([MASKED_HELLO_BIN, PING, PONG, BIN256, FRAG, CLOSE]);
    const whole = run([small]);
    for (let cut = 0; cut <= small.length; cut++) expect(run([small.subarray(0, cut), small.subarray(cut)])).toEqual(whole);
    const ref = run([stream]);
    let seed = 3;
    for (let k = 0; k < 20; k++) {
      const parts: Uint8Array[] = [];
      let o = 0;
      while (o < stream.length) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const n = 1 + (seed % 5000);
        parts.push(stream.subarray(o, o + n));
        o += n;
      }
      expect(run(parts)).toEqual(ref);
    }
  });
  it('every prefix: no throw, no event beyond what the prefix holds', () => {
    const small = Buffer.concat([MASKED_HELLO_BIN, CLOSE]);
    for (let n = 0; n < small.length; n++) {
      const r = run([small.subarray(0, n)]);
      expect(r.log.some((l) => l.startsWith('error'))).toBe(false);
      if (n < small.length) expect(r.log.includes('control 8 03e8627965 1/1')).toBe(false);
      if (n > 0 && n !== MASKED_HELLO_BIN.length) expect(r.mid).toBe(true);
    }
  });
  it('malformed: RSV bits, long or fragmented control frames, orphan continuation, reserved opcodes', () => {
    expect(run([fromHex('c20161')]).log.at(-1)).toMatch(/^error 0 WebSocket RSV/);
    expect(run([fromHex('897e0080')]).log.at(-1)).toMatch(/control frame/);
    expect(run([fromHex('090161')]).log.at(-1)).toMatch(/control frame/);
    expect(run([fromHex('800161')]).log.at(-1)).toMatch(/continuation/);
    expect(run([fromHex('830161')]).log.at(-1)).toMatch(/reserved WebSocket data opcode/);
    expect(run([fromHex('8b0161')]).log.at(-1)).toMatch(/reserved WebSocket control opcode/);
    // after an error the parser stays stopped
    expect(run([fromHex('c20161'), MASKED_HELLO_BIN]).log).toHaveLength(2);
  });
  it('text frames are reported and skipped', () => {
    const r = run([fromHex('810568656c6c6f'), MASKED_HELLO_BIN]);
    expect(r.log).toContain('text 5');
    expect(r.data).toBe('48656c6c6f');
  });
});
