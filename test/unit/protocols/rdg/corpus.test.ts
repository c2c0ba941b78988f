/**
 * RdgStreamDecoder over the eight decrypted RD Gateway captures of awakecoding/wireshark-rdp
 * (TLS secrets in pcapng DSBs; tshark decrypts). Oracles:
 *  - HTTP responses: tshark's HTTP dissector on the original capture (status, phrase,
 *    WWW-Authenticate schemes).
 *  - HTTP requests: tshark does not know the RDG_OUT_DATA method, so requests are checked on a
 *    synthetic plain-TCP copy (method rewritten to GET) for URI / Upgrade / Authorization scheme /
 *    RDG-Connection-Id, and the method against the start line in `follow,tls,ascii`.
 *  - WebSocket frames (opcode, FIN, MASK, length, unmasked payload, close code): tshark's
 *    WebSocket dissector on the same synthetic copy.
 *  - MS-TSGU: no tshark dissector; packet layouts are checked by hand in tsgu.test.ts, and here
 *    the DATA payloads must start with the inner X.224 CR / CC (TPKT 03 00) and add up.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { RdgEvent } from '../../../../src/protocols/rdg/events.js';
import { RdgStreamDecoder } from '../../../../src/protocols/rdg/rdg-decoder.js';
import { WebSocketParser } from '../../../../src/protocols/rdg/websocket.js';
import { syntheticPcap, TEXT2PCAP } from './synthetic-pcap.js';
import { decryptedChunks, followTls, HAVE_PUBLIC, HAVE_TSHARK, RDG_CAPTURES, RDG_DIR, tshark, type TlsChunk } from './tshark-tls.js';

const ready = HAVE_PUBLIC && HAVE_TSHARK && existsSync(RDG_DIR) && existsSync(TEXT2PCAP);

function decode(chunks: TlsChunk[]) {
  const events: (RdgEvent | DecodeIssue)[] = [];
  const inner: [number[], number[]] = [[], []];
  const d = new RdgStreamDecoder((e) => events.push(e), {
    onInnerData: (dir, b) => {
      // keep the first 64 inner bytes of each direction
      if (inner[dir].length < 64) inner[dir].push(...b.subarray(0, 64 - inner[dir].length));
    },
    decrypted: true,
  });
  const innerBytes = [0, 0];
  const d2 = new RdgStreamDecoder(() => {}, { onInnerData: (dir, b) => void (innerBytes[dir] = innerBytes[dir]! + b.length) });
  for (const c of chunks) {
    d.push(c.dir, c.data, c);
    d2.push(c.dir, c.data, c);
  }
  const last = chunks[chunks.length - 1]!;
  d.end(0, last);
  d.end(1, last);
  return { events, inner, innerBytes };
}

const agreement = { responses: 0, requests: 0, wsFrames: 0, wsPayloadBytes: 0, closes: 0, captures: 0 };

describe.skipIf(!ready)('RD Gateway captures (awakecoding) against tshark', () => {
  if (!ready) it.skip('../shared captures, tshark or text2pcap missing', () => {});
  for (const name of RDG_CAPTURES) {
    const file = path.join(RDG_DIR, name);
    it.skipIf(!existsSync(file))(name, () => {
      const chunks = decryptedChunks(file, 0);
      // The per-record chunks add up to tshark's follow stream, byte for byte.
      const follow = followTls(file, 0);
      for (const dir of [0, 1] as const) {
        expect(Buffer.concat(chunks.filter((c) => c.dir === dir).map((c) => c.data)).equals(Buffer.from(follow[dir]))).toBe(true);
      }
      const { events, inner, innerBytes } = decode(chunks);
      expect(events.filter((e) => e.type === 'analyzer.violation')).toEqual([]);

      // --- HTTP responses vs tshark on the original capture
      const resp = tshark(['-r', file, '-Y', 'tcp.stream==0 && http.response', '-E', 'aggregator=|', '-T', 'fields', '-e', 'frame.number', '-e', 'http.response.code', '-e', 'http.response.phrase', '-e', 'http.www_authenticate'])
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
      const ours = events.filter((e): e is Extract<RdgEvent, { type: 'rdg.http_response' }> => e.type === 'rdg.http_response');
      expect(ours.map((e) => [e.frame, e.status, e.reason])).toEqual(resp.map(([f, c, p]) => [Number(f), Number(c), p]));
      ours.forEach((e, k) => {
        const schemes = (resp[k]![3] ?? '').split('|').filter(Boolean).map((v) => v.split(/[ ,]/)[0]);
        expect(e.wwwAuthenticate.map((a) => a.scheme)).toEqual(schemes);
        agreement.responses++;
      });

      // --- HTTP requests and WebSocket frames vs tshark on the synthetic copy
      const synth = syntheticPcap(chunks);
      onTestFinished(() => rmSync(path.dirname(synth), { recursive: true, force: true }));
      const reqs = tshark(['-r', synth, '-Y', 'http.request', '-T', 'fields', '-e', 'frame.number', '-e', 'http.request.uri', '-e', 'http.upgrade', '-e', 'http.authorization', '-e', 'http.request.line'])
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
      const ourReq = events.filter((e): e is Extract<RdgEvent, { type: 'rdg.http_request' }> => e.type === 'rdg.http_request');
      const startLines = [...Buffer.from(follow[0]).toString('latin1').matchAll(/^([A-Z_]+) (\S+) HTTP\/1\.1\r$/gm)].map((m) => m[1]);
      expect(ourReq.map((e) => e.method)).toEqual(startLines);
      expect(ourReq).toHaveLength(reqs.length);
      ourReq.forEach((e, k) => {
        const [f, uri, upgrade, authz, lines] = reqs[k]!;
        expect(chunks[Number(f) - 1]!.frame).toBe(e.frame); // synthetic frame k ↔ chunk k-1
        expect(e.path).toBe(uri);
        expect(e.upgradeWebsocket).toBe(upgrade === 'websocket');
        expect(e.authScheme).toBe(authz ? authz.split(' ')[0] : undefined);
        const connId = /RDG-Connection-Id: ([^\r,]+)\\r\\n/.exec(lines ?? '')?.[1];
        expect(e.rdgConnectionId).toBe(connId);
        agreement.requests++;
      });

      const upgraded = events.some((e) => e.type === 'rdg.websocket_upgrade');
      if (!upgraded) {
        expect(name).toMatch(/failure/);
        expect(ours.at(-1)).toMatchObject({ status: 401, reason: 'User Account Restricted', rdgAuthScheme: 'SMARTCARD' });
        return;
      }
      const ws = tshark(['-r', synth, '-Y', 'websocket', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'websocket.opcode', '-e', 'websocket.fin', '-e', 'websocket.mask', '-e', 'websocket.payload_length', '-e', 'websocket.payload_length_ext_16', '-e', 'websocket.payload_length_ext_64', '-e', 'websocket.payload.close.status_code', '-e', 'data.data'])
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
      const tsharkFrameList: string[][] = [[], []];
      const tsharkPayload: string[][] = [[], []];
      for (const [, port, op, fin, mask, l7, l16, l64, , data] of ws) {
        const dir = port === '50000' ? 0 : 1;
        const ops = op!.split(',');
        const fins = fin!.split(',');
        const masks = mask!.split(',');
        const l7s = l7!.split(',');
        const l16s = (l16 ?? '').split(',');
        const l64s = (l64 ?? '').split(',');
        let i16 = 0;
        let i64 = 0;
        ops.forEach((o, k) => {
          const len7 = Number(l7s[k]);
          const len = len7 === 126 ? Number(l16s[i16++]) : len7 === 127 ? Number(l64s[i64++]) : len7;
          tsharkFrameList[dir]!.push(`${o} ${fins[k] === 'True' || fins[k] === '1'} ${masks[k] === 'True' || masks[k] === '1'} ${len}`);
        });
        if (data) tsharkPayload[dir]!.push(data.replace(/[:,]/g, ''));
      }
      // Our WebSocket parser over the bytes after the 101 / after the last request head.
      const streams = [Buffer.from(follow[0]), Buffer.from(follow[1])];
      for (const dir of [0, 1] as const) {
        const s = streams[dir]!;
        const marker = dir === 1 ? s.indexOf('HTTP/1.1 101') : s.lastIndexOf('RDG_OUT_DATA ');
        const start = s.indexOf('\r\n\r\n', marker) + 4;
        const frames: string[] = [];
        const payload: Buffer[] = [];
        const p = new WebSocketParser({
          onFrame: (h) => frames.push(`${h.opcode} ${h.fin} ${h.masked} ${h.payloadLength}`),
          onData: (b) => payload.push(Buffer.from(b)),
          onControl: () => {},
          onError: (o, m) => {
            throw new Error(`${o} ${m}`);
          },
        });
        p.push(s.subarray(start), { frame: 0, ts: 0 });
        expect(frames).toEqual(tsharkFrameList[dir]);
        const ourHex = Buffer.concat(payload).toString('hex');
        expect(ourHex).toBe(tsharkPayload[dir]!.join(''));
        agreement.wsFrames += frames.length;
        agreement.wsPayloadBytes += ourHex.length / 2;
      }
      const closeCodes = ws.filter((r) => r[8]).map((r) => Number(r[8]));
      const ourCloses = events.filter((e): e is Extract<RdgEvent, { type: 'rdg.websocket_close' }> => e.type === 'rdg.websocket_close');
      expect(ourCloses.map((e) => e.code)).toEqual(closeCodes);
      agreement.closes += ourCloses.length;

      // --- MS-TSGU: the gateway handshake sequence, all successful, then the tunnelled RDP bytes.
      const tsgu = events.filter((e) => e.type.startsWith('rdg.') && !e.type.startsWith('rdg.http') && !e.type.startsWith('rdg.websocket'));
      expect(tsgu.slice(0, 10).map((e) => e.type)).toEqual([
        'rdg.handshake_request',
        'rdg.handshake_response',
        'rdg.tunnel_create',
        'rdg.tunnel_response',
        'rdg.tunnel_auth',
        'rdg.tunnel_auth_response',
        'rdg.channel_create',
        'rdg.channel_response',
        'rdg.data',
        'rdg.data',
      ]);
      for (const e of tsgu) {
        if ('errorCode' in e) expect(e.errorCode).toBe(0);
        if ('statusCode' in e) expect(e.statusCode).toBe(0);
      }
      expect(tsgu.find((e) => e.type === 'rdg.channel_create')).toMatchObject({ port: 3389, protocol: 3, numResources: 1 });
      expect(tsgu.find((e) => e.type === 'rdg.channel_response')).toMatchObject({ udpPort: 3391, channelId: 1 });
      // Inner RDP: client starts with an X.224 Connection Request, server with a Connection Confirm.
      expect(inner[0].slice(0, 2)).toEqual([0x03, 0x00]);
      expect(inner[0][5]).toBe(0xe0);
      expect(inner[1].slice(0, 2)).toEqual([0x03, 0x00]);
      expect(inner[1][5]).toBe(0xd0);
      const sums = events.filter((e): e is Extract<RdgEvent, { type: 'rdg.data_summary' }> => e.type === 'rdg.data_summary');
      expect(sums.map((e) => e.bytes)).toEqual(innerBytes);
      expect(types(events.slice(-4))).toContain('rdg.close_channel_response');
      agreement.captures++;
    });
  }

  it.skipIf(!existsSync(path.join(RDG_DIR, RDG_CAPTURES[3]!)))('chunk-split invariance on a real capture (random re-splits of every record)', () => {
    const chunks = decryptedChunks(path.join(RDG_DIR, RDG_CAPTURES[3]!), 0);
    const ref = decode(chunks);
    let seed = 5;
    for (let round = 0; round < 3; round++) {
      const split: TlsChunk[] = [];
      for (const c of chunks) {
        let o = 0;
        while (o < c.data.length) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const n = 1 + (seed % (round === 0 ? 7 : 400));
          split.push({ ...c, data: c.data.subarray(o, o + n) });
          o += n;
        }
      }
      expect(decode(split)).toEqual(ref);
    }
  });

  it('agreement summary', () => {
    // Printed for the report; the per-capture tests above assert exact equality.
    console.log(`rdg corpus agreement: ${JSON.stringify(agreement)}`);
  });
});

function types(e: { type: string }[]) {
  return e.map((x) => x.type);
}
