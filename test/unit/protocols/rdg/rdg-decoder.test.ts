/**
 * RdgStreamDecoder on hand-built gateway conversations (MS-TSGU HTTP transport, KDC proxy,
 * RPC-over-HTTP, HTTP/2, refused upgrade, gaps, garbage). The HTTP heads follow the layout
 * of MS-TSGU 3.3.5.1 / 4.2.1 and FreeRDP's requests; the MS-TSGU packets are real packets
 * from the awakecoding captures (see tsgu.test.ts) or built from protocol-facts.md §8.2.
 * The WebSocket transport over real captures is in corpus.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.js';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { RdgEvent } from '../../../../src/protocols/rdg/events.js';
import { RdgStreamDecoder } from '../../../../src/protocols/rdg/rdg-decoder.js';

type Msg = [0 | 1, Uint8Array];
const t = (s: string) => Buffer.from(s, 'latin1');
const cat = (...p: Uint8Array[]) => Buffer.concat(p);

const HS_REQ = fromHex('010000000e000000010000000000');
const HS_RESP = fromHex('020000001200000000000000010000000700');
const TUN_RESP = fromHex('050000001a00000000000000000003000000070000003f000000');
// DATA carrying an X.224 CR prefix (TPKT 03 00 00 0b, hand-built) and DATA carrying a CC (real, 19 bytes).
const DATA_CR = fromHex('0a000000150000000b00' + '030000' + '0b06e00000000000');
const DATA_CC = fromHex('0a0000001d0000001300030000130ed00000123400021f080008000000');
// CHANNEL_RESPONSE errorCode E_PROXY_TS_CONNECTFAILED (0x800759DD), no optional fields; CLOSE_CHANNEL 0x59F6.
const CHAN_FAIL = fromHex('0900000010000000dd59078000000000');
const CLOSE = fromHex('1000000000000000f6590000'.slice(0, 8) + '0c000000' + 'f6590000');

const OUT_REQ = (auth: string) =>
  t(
    `RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\nCache-Control: no-cache\r\nConnection: Keep-Alive\r\nAccept: */*\r\n` +
      `User-Agent: MS-RDGateway/1.0\r\nRDG-Connection-Id: {11111111-2222-3333-4444-555555555555}\r\n` +
      `RDG-Correlation-Id: {AAAAAAAA-2222-3333-4444-555555555555}\r\nRDG-User-Id: dQBzAGUAcgA=\r\nHost: gw.example.test\r\n` +
      (auth ? `Authorization: ${auth}\r\n` : '') +
      `Content-Length: 0\r\n\r\n`,
  );
const R401 = t(
  'HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nServer: Microsoft-HTTPAPI/2.0\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\nContent-Length: 4\r\n\r\n<h/>',
);

/** HTTP transport OUT channel: 401 leg, then 200 with no length, a 10-byte seed, then packets. */
const OUT_CHANNEL: Msg[] = [
  [0, OUT_REQ('')],
  [1, R401],
  [0, OUT_REQ('NTLM TlRMTVNTUAADAAAA')],
  [1, cat(t('HTTP/1.1 200 OK\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n'), fromHex('abcdabcdabcdabcdabcd'), HS_RESP, TUN_RESP)],
  [1, cat(DATA_CC, CHAN_FAIL, CLOSE)],
];

/** HTTP transport IN channel: chunked RDG_IN_DATA, packets split across chunks (as FreeRDP writes them: one per chunk). */
const chunk = (b: Uint8Array) => cat(t(b.length.toString(16).toUpperCase() + '\r\n'), b, t('\r\n'));
const IN_CHANNEL: Msg[] = [
  [
    0,
    cat(
      t('RDG_IN_DATA /remoteDesktopGateway/ HTTP/1.1\r\nRDG-Connection-Id: {11111111-2222-3333-4444-555555555555}\r\nTransfer-Encoding: chunked\r\n\r\n'),
      chunk(HS_REQ.subarray(0, 5)),
      chunk(cat(HS_REQ.subarray(5), DATA_CR.subarray(0, 12))),
      chunk(DATA_CR.subarray(12)),
    ),
  ],
  [1, t('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')],
];

function run(msgs: Msg[], split?: (b: Uint8Array) => Uint8Array[], opts: { gapAfter?: number } = {}) {
  const events: (RdgEvent | DecodeIssue)[] = [];
  const inner: [number[], number[]] = [[], []];
  const kdc: string[] = [];
  const d = new RdgStreamDecoder((e) => events.push(e), {
    onInnerData: (dir, b) => inner[dir].push(...b),
    onKdcProxy: (dir, b) => kdc.push(`${dir}:${Buffer.from(b).toString('latin1')}`),
    decrypted: true,
  });
  msgs.forEach(([dir, b], k) => {
    for (const part of split ? split(b) : [b]) d.push(dir, part, { frame: k + 1, ts: k });
    if (opts.gapAfter === k) d.gap(dir, 100, { frame: k + 1, ts: k });
  });
  d.end(0, { frame: 99, ts: 99 });
  d.end(1, { frame: 99, ts: 99 });
  return { events, inner: inner.map((x) => Buffer.from(x).toString('hex')), kdc };
}
const types = (e: { type: string }[]) => e.map((x) => x.type);
const issues = (e: (RdgEvent | DecodeIssue)[]) => e.filter((x): x is DecodeIssue => x.type === 'analyzer.violation');

describe('HTTP transport', () => {
  it('OUT channel: 401 leg, 200, seed skipped, MS-TSGU packets, inner data', () => {
    const r = run(OUT_CHANNEL);
    expect(issues(r.events)).toEqual([]);
    expect(types(r.events)).toEqual([
      'rdg.http_request',
      'rdg.http_response',
      'rdg.http_request',
      'rdg.http_response',
      'rdg.handshake_response',
      'rdg.tunnel_response',
      'rdg.data',
      'rdg.channel_response',
      'rdg.close_channel',
      'rdg.data_summary',
    ]);
    expect(r.events[0]).toMatchObject({
      method: 'RDG_OUT_DATA',
      path: '/remoteDesktopGateway/',
      transport: 'rdg-http',
      rdgConnectionId: '{11111111-2222-3333-4444-555555555555}',
      rdgCorrelationId: '{AAAAAAAA-2222-3333-4444-555555555555}',
      rdgUserId: 'dQBzAGUAcgA=',
      hasAuthorization: false,
      upgradeWebsocket: false,
      dir: 0,
      decrypted: true,
    });
    expect(r.events[1]).toMatchObject({
      status: 401,
      requestMethod: 'RDG_OUT_DATA',
      wwwAuthenticate: [
        { scheme: 'Negotiate', hasToken: false },
        { scheme: 'NTLM', hasToken: false },
      ],
      contentType: 'text/html',
    });
    expect(r.events[2]).toMatchObject({ authScheme: 'NTLM', hasAuthorization: true });
    expect(JSON.stringify(r.events[2])).not.toContain('TlRMTVNTUAADAAAA'); // token never copied
    expect(r.events[7]).toMatchObject({ type: 'rdg.channel_response', errorCode: 0x800759dd, dir: 1 });
    expect(r.events[8]).toMatchObject({ type: 'rdg.close_channel', statusCode: 0x59f6 });
    expect(r.inner[1]).toBe('030000130ed00000123400021f080008000000');
  });

  it('OUT channel: seed given as a Content-Length body', () => {
    const msgs: Msg[] = [
      [0, OUT_REQ('')],
      [1, cat(t('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'), fromHex('abcdabcdabcdabcdabcd'), HS_RESP)],
    ];
    const r = run(msgs);
    expect(issues(r.events)).toEqual([]);
    expect(types(r.events)).toEqual(['rdg.http_request', 'rdg.http_response', 'rdg.handshake_response']);
  });

  it('IN channel: chunked body carries MS-TSGU packets across chunk boundaries', () => {
    const r = run(IN_CHANNEL);
    expect(issues(r.events)).toEqual([]);
    expect(types(r.events)).toEqual(['rdg.http_request', 'rdg.handshake_request', 'rdg.data', 'rdg.http_response', 'rdg.data_summary']);
    expect(r.events[0]).toMatchObject({ method: 'RDG_IN_DATA', chunked: true });
    expect(r.events[2]).toMatchObject({ length: 11 });
    expect(r.inner[0]).toBe('0300000b06e00000000000');
  });

  it('chunk-split invariance: every message split at every offset gives the same events', () => {
    for (const scenario of [OUT_CHANNEL, IN_CHANNEL]) {
      const ref = run(scenario);
      const max = Math.max(...scenario.map(([, b]) => b.length));
      for (let cut = 0; cut <= max; cut++) {
        expect(run(scenario, (b) => [b.subarray(0, cut), b.subarray(cut)])).toEqual(ref);
      }
      expect(run(scenario, (b) => [...b].map((x) => Uint8Array.of(x)))).toEqual(ref);
    }
  });

  it('every prefix of the OUT channel conversation: no throw, only events the prefix supports', () => {
    const all = OUT_CHANNEL;
    const total = all.reduce((n, [, b]) => n + b.length, 0);
    const full = run(all).events.filter((e) => e.type !== 'rdg.data_summary');
    for (let n = 0; n <= total; n += 3) {
      let left = n;
      const msgs: Msg[] = [];
      for (const [dir, b] of all) {
        if (left <= 0) break;
        msgs.push([dir, b.subarray(0, left)]);
        left -= b.length;
      }
      const got = run(msgs).events.filter((e) => e.type !== 'rdg.data_summary' && e.type !== 'analyzer.violation');
      // A prefix yields a prefix of the full event list, never something else.
      expect(got).toEqual(full.slice(0, got.length));
    }
  });
});

describe('other gateway traffic', () => {
  it('RPC-over-HTTP is recognised and its body left alone', () => {
    const r = run([
      [0, t('RPC_IN_DATA /rpc/rpcproxy.dll?localhost:3388 HTTP/1.1\r\nAccept: application/rpc\r\nUser-Agent: MSRPC\r\nContent-Length: 1073741824\r\n\r\n')],
      [0, fromHex('05000b0310000000')],
    ]);
    expect(types(r.events)).toEqual(['rdg.http_request', 'rdg.rpc_over_http']);
    expect(r.events[0]).toMatchObject({ transport: 'rpc-over-http', path: '/rpc/rpcproxy.dll', query: 'localhost:3388' });
  });
  it('KDC proxy bodies go to onKdcProxy', () => {
    const r = run([
      [0, t('POST /KdcProxy HTTP/1.1\r\nContent-Type: application/kerberos\r\nContent-Length: 5\r\n\r\nABCDE')],
      [1, t('HTTP/1.1 200 OK\r\nContent-Type: application/kerberos\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n')],
    ]);
    expect(issues(r.events)).toEqual([]);
    expect(types(r.events)).toEqual(['rdg.http_request', 'rdg.kdc_proxy', 'rdg.http_response', 'rdg.kdc_proxy']);
    expect(r.kdc).toEqual(['0:ABCDE', '1:xyz']);
  });
  it('HTTP/2 preface: reported once, nothing more decoded, no issues', () => {
    const r = run([
      [0, t('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
      [0, fromHex('000012040000000000')],
      [1, fromHex('000006040000000000000400100000')],
    ]);
    expect(types(r.events)).toEqual(['rdg.http_request', 'rdg.http2']);
  });
  it('a refused WebSocket upgrade: bytes sent meanwhile are parsed as the next request', () => {
    const up = t('RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x\r\n\r\n');
    const r = run([
      [0, up],
      [0, up],
      [1, t('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n')],
      [1, t('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: y\r\n\r\n')],
      // client frame: masked (key 0) binary HANDSHAKE_REQUEST; server frame: unmasked HANDSHAKE_RESPONSE
      [0, cat(fromHex('828e00000000'), HS_REQ)],
      [1, cat(fromHex('8212'), HS_RESP)],
      [0, fromHex('88820000000003e8')],
    ]);
    expect(issues(r.events)).toEqual([]);
    expect(types(r.events)).toEqual([
      'rdg.http_request',
      'rdg.http_response',
      'rdg.http_request',
      'rdg.http_response',
      'rdg.websocket_upgrade',
      'rdg.handshake_request',
      'rdg.handshake_response',
      'rdg.websocket_close',
    ]);
    expect(r.events[2]).toMatchObject({ upgradeWebsocket: true, secWebSocketVersion: '13', hasSecWebSocketKey: true });
    expect(r.events.at(-1)).toMatchObject({ code: 1000, dir: 0 });
  });
});

describe('malformed input and gaps', () => {
  it('TLS bytes instead of HTTP: one issue, direction abandoned', () => {
    const r = run([[0, fromHex('160303004a0200004603035e')], [0, t('GET / HTTP/1.1\r\n\r\n')]]);
    expect(issues(r.events)).toHaveLength(1);
    expect(types(r.events)).toEqual(['analyzer.violation']);
  });
  it('a gap inside the MS-TSGU stream: one issue, direction stops, the other goes on', () => {
    const r = run(OUT_CHANNEL, undefined, { gapAfter: 3 });
    const iss = issues(r.events);
    expect(iss).toHaveLength(1);
    expect(iss[0]!.message).toMatch(/missing/);
    expect(types(r.events)).not.toContain('rdg.channel_response');
  });
  it('garbage MS-TSGU header after the seed limit: one issue', () => {
    const r = run([
      [0, OUT_REQ('')],
      [1, cat(t('HTTP/1.1 200 OK\r\n\r\n'), new Uint8Array(2000).fill(0x41))],
    ]);
    expect(issues(r.events)).toHaveLength(1);
    expect(issues(r.events)[0]!.message).toMatch(/no MS-TSGU packet header/);
  });
  it('random bytes never throw', () => {
    let seed = 11;
    for (let k = 0; k < 200; k++) {
      const b = new Uint8Array(1 + (k * 37) % 300);
      for (let i = 0; i < b.length; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      expect(() => run([[0, OUT_REQ('')], [1, cat(t('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'), b)], [0, b]])).not.toThrow();
    }
  });
});
