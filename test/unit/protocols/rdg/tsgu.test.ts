/**
 * MS-TSGU packet decoding. Fixtures are real packets taken (unmasked) from the decrypted
 * WebSocket stream of awakecoding rdp-rdg-no-kdc-proxy-ntlm-downgrade-success.pcapng,
 * stream 0 (tshark has no MS-TSGU dissector: each expected value is checked by hand against
 * the layout in protocol-facts.md §8.2, see the comments), plus hand-built ones from the spec.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../../src/core/bytes.js';
import { decodeTsguPacket } from '../../../../src/protocols/rdg/tsgu.js';
import { TsguStream } from '../../../../src/protocols/rdg/tsgu-stream.js';

const REAL = {
  // 01 00|00 00|0e 00 00 00: HANDSHAKE_REQUEST, length 14; major 1, minor 0, clientVersion 0, extendedAuth 0.
  handshakeRequest: '010000000e000000010000000000',
  // 02 00|..|12 00 00 00: HANDSHAKE_RESPONSE, 18; errorCode 0; major 1 minor 0; serverVersion 0; extendedAuth 7 (smartcard|PAA|NTLM).
  handshakeResponse: '020000001200000000000000010000000700',
  // 04 00|..|10 00 00 00: TUNNEL_CREATE, 16; capabilityFlags 0x3f; fieldsPresent 0; reserved.
  tunnelCreate: '04000000100000003f00000000000000',
  // 05 00|..|1a 00 00 00: TUNNEL_RESPONSE, 26; serverVersion 0; statusCode 0; fieldsPresent 3 (TUNNEL_ID|CAPS);
  // reserved; tunnelId 7; caps 0x3f.
  tunnelResponse: '050000001a00000000000000000003000000070000003f000000',
  // 06 00|..|2a 00 00 00: TUNNEL_AUTH, 42; fieldsPresent 0; cbClientName 0x1e = 30; "IT-HELP-CLIENT\0" UTF-16LE.
  tunnelAuth: '060000002a00000000001e00490054002d00480045004c0050002d0043004c00490045004e0054000000',
  // 07 00|..|18 00 00 00: TUNNEL_AUTH_RESPONSE, 24; errorCode 0; fieldsPresent 3 (REDIR_FLAGS|IDLE_TIMEOUT);
  // reserved; redirFlags 0x80000000 (ENABLE_ALL); idleTimeout 0.
  tunnelAuthResponse: '070000001800000000000000030000000000008000000000',
  // 08 00|..|4c 00 00 00: CHANNEL_CREATE, 76; 1 resource, 0 alternates; port 0x0d3d = 3389; protocol 3;
  // name length 0x3c = 60; "IT-HELP-TEST.ad.it-help.ninja\0".
  channelCreate:
    '080000004c00000001003d0d03003c00490054002d00480045004c0050002d0054004500530054002e00610064002e00690074002d00680065006c0070002e006e0069006e006a0061000000',
};

describe('decodeTsguPacket on real packets (values checked by hand from the hex)', () => {
  const dec = (h: string) => {
    const b = fromHex(h);
    return decodeTsguPacket(b, 0, b.length);
  };
  it('HANDSHAKE_REQUEST / RESPONSE', () => {
    expect(dec(REAL.handshakeRequest)).toEqual({ type: 'rdg.handshake_request', versionMajor: 1, versionMinor: 0, clientVersion: 0, extendedAuth: 0 });
    expect(dec(REAL.handshakeResponse)).toEqual({
      type: 'rdg.handshake_response',
      errorCode: 0,
      versionMajor: 1,
      versionMinor: 0,
      serverVersion: 0,
      extendedAuth: 7,
    });
  });
  it('TUNNEL_CREATE / TUNNEL_RESPONSE', () => {
    expect(dec(REAL.tunnelCreate)).toEqual({ type: 'rdg.tunnel_create', capabilityFlags: 0x3f, fieldsPresent: 0, hasPaaCookie: false });
    expect(dec(REAL.tunnelResponse)).toEqual({
      type: 'rdg.tunnel_response',
      serverVersion: 0,
      statusCode: 0,
      fieldsPresent: 3,
      tunnelId: 7,
      capabilityFlags: 0x3f,
      hasSohRequest: false,
      hasConsentMessage: false,
    });
  });
  it('TUNNEL_AUTH / TUNNEL_AUTH_RESPONSE', () => {
    expect(dec(REAL.tunnelAuth)).toEqual({ type: 'rdg.tunnel_auth', fieldsPresent: 0, clientName: 'IT-HELP-CLIENT' });
    expect(dec(REAL.tunnelAuthResponse)).toEqual({
      type: 'rdg.tunnel_auth_response',
      errorCode: 0,
      fieldsPresent: 3,
      redirFlags: 0x80000000,
      idleTimeout: 0,
      hasSohResponse: false,
    });
  });
  it('CHANNEL_CREATE', () => {
    expect(dec(REAL.channelCreate)).toEqual({
      type: 'rdg.channel_create',
      numResources: 1,
      numAltResources: 0,
      port: 3389,
      protocol: 3,
      targetServers: ['IT-HELP-TEST.ad.it-help.ninja'],
      altTargetServers: [],
    });
  });
});

describe('decodeTsguPacket on hand-built packets (spec layouts)', () => {
  const pkt = (type: number, body: string) => {
    const b = fromHex(body);
    const out = new Uint8Array(8 + b.length);
    const dv = new DataView(out.buffer);
    dv.setUint16(0, type, true);
    dv.setUint32(4, out.length, true);
    out.set(b, 8);
    return out;
  };
  const dec = (b: Uint8Array) => decodeTsguPacket(b, 0, b.length);
  it('CHANNEL_RESPONSE with E_PROXY_TS_CONNECTFAILED and no optional fields', () => {
    expect(dec(pkt(0x09, 'dd5907800000' + '0000'))).toEqual({ type: 'rdg.channel_response', errorCode: 0x800759dd, fieldsPresent: 0 });
  });
  it('CHANNEL_RESPONSE with channelId, udpPort and cookie (order: id, port, cookie)', () => {
    expect(dec(pkt(0x09, '00000000' + '0700' + '0000' + '01000000' + '3f0d' + '0300' + 'aabbcc'))).toEqual({
      type: 'rdg.channel_response',
      errorCode: 0,
      fieldsPresent: 7,
      channelId: 1,
      udpPort: 3391,
      authnCookieLength: 3,
    });
  });
  it('TUNNEL_RESPONSE denied by NAP (0x800759DB)', () => {
    expect(dec(pkt(0x05, '0000' + 'db590780' + '0000' + '0000'))).toMatchObject({ statusCode: 0x800759db, fieldsPresent: 0 });
  });
  it('TUNNEL_AUTH_RESPONSE with RAP denial (0x800759DA)', () => {
    expect(dec(pkt(0x07, 'da590780' + '0000' + '0000'))).toMatchObject({ type: 'rdg.tunnel_auth_response', errorCode: 0x800759da });
  });
  it('TUNNEL_CREATE with a PAA cookie keeps only its length', () => {
    const r = dec(pkt(0x04, '01000000' + '0100' + '0000' + '0400' + '41004200'));
    expect(r).toEqual({ type: 'rdg.tunnel_create', capabilityFlags: 1, fieldsPresent: 1, hasPaaCookie: true, paaCookieLength: 4 });
  });
  it('CLOSE_CHANNEL with session timeout 0x59F6, CLOSE_CHANNEL_RESPONSE, KEEPALIVE, SERVICE_MESSAGE, REAUTH, EXTENDED_AUTH', () => {
    expect(dec(pkt(0x10, 'f6590000'))).toEqual({ type: 'rdg.close_channel', statusCode: 0x59f6 });
    expect(dec(pkt(0x11, '00000000'))).toEqual({ type: 'rdg.close_channel_response', statusCode: 0 });
    expect(dec(pkt(0x0d, ''))).toEqual({ type: 'rdg.keepalive' });
    expect(dec(pkt(0x0b, '0400' + '48006900'))).toEqual({ type: 'rdg.service_message', message: 'Hi' });
    expect(dec(pkt(0x0c, '0102030405060708'))).toEqual({ type: 'rdg.reauth', reauthTunnelContext: '0102030405060708' });
    expect(dec(pkt(0x03, '0c030980' + '0200' + 'abcd'))).toEqual({ type: 'rdg.extended_auth', errorCode: 0x8009030c, blobLength: 2 });
  });
  it('unknown types are reported as such, not as errors', () => {
    expect(dec(pkt(0x0e, '00'))).toEqual({ type: 'rdg.unknown_packet', packetType: 0x0e, packetLength: 9 });
  });
});

describe('truncation and malformed packets', () => {
  it('every prefix of every real packet: no throw, never a success', () => {
    for (const h of Object.values(REAL)) {
      const b = fromHex(h);
      for (let n = 0; n < b.length; n++) {
        // The packet claims its full length: a prefix is malformed (length mismatch or truncation).
        const r = decodeTsguPacket(b, 0, n);
        expect(r.type).toBe('malformed');
      }
    }
  });
  it('a packet whose length field is honest but whose body is cut: malformed', () => {
    for (const h of Object.values(REAL)) {
      const b = fromHex(h);
      for (let n = 8; n < b.length; n++) {
        const cut = b.slice(0, n);
        new DataView(cut.buffer).setUint32(4, n, true);
        const r = decodeTsguPacket(cut, 0, n);
        // Optional trailing parts may legitimately be absent only when not flagged; every real fixture
        // has all its bytes accounted for, so any cut is malformed.
        expect(r.type, `${h.slice(0, 4)} cut at ${n}`).toBe('malformed');
      }
    }
  });
  it('CHANNEL_CREATE with a resource count larger than the data', () => {
    const b = fromHex('0800000010000000ff003d0d03000000');
    expect(decodeTsguPacket(b, 0, b.length).type).toBe('malformed');
  });
});

describe('TsguStream', () => {
  const stream = fromHex(
    REAL.handshakeResponse +
      // DATA: 0a 00|..|1d 00 00 00 (29), cbDataLen 0x13 = 19, then an X.224 Connection Confirm (TPKT 03 00 00 13).
      '0a0000001d0000001300030000130ed00000123400021f080008000000' +
      REAL.tunnelResponse,
  );
  const run = (parts: Uint8Array[], skipSeed = false) => {
    const out: string[] = [];
    const inner: number[] = [];
    const s = new TsguStream(
      {
        onPacket: (b, st, en, info, ff) => out.push(`pkt ${b[st]} ${en - st} ${info.frame} ${ff}`),
        onData: (p) => inner.push(...p),
        onDataPacket: (len) => out.push(`data ${len}`),
        onError: (o, m, _i, fatal) => out.push(`err ${o} ${fatal} ${m}`),
      },
      { skipSeed },
    );
    for (const p of parts) s.push(p, { frame: 1, ts: 0 });
    return { out, inner, seed: s.seedLength };
  };
  it('packets, DATA streaming and split invariance at every offset', () => {
    const whole = run([stream]);
    expect(whole.out).toEqual(['pkt 2 18 1 1', 'data 19', 'pkt 5 26 1 1']);
    expect(Buffer.from(whole.inner).toString('hex')).toBe('030000130ed00000123400021f080008000000');
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(run([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(whole);
    }
    // byte by byte
    expect(run([...stream].map((x) => Uint8Array.of(x)))).toEqual(whole);
  });
  it('skips a FreeRDP-style 10-byte seed (0xabcd…) before the first packet', () => {
    const seed = fromHex('abcdabcdabcdabcdabcd');
    const withSeed = new Uint8Array(seed.length + stream.length);
    withSeed.set(seed);
    withSeed.set(stream, seed.length);
    const r = run([withSeed], true);
    expect(r.seed).toBe(10);
    expect(r.out).toEqual(['pkt 2 18 1 1', 'data 19', 'pkt 5 26 1 1']);
    for (let cut = 0; cut <= withSeed.length; cut++) expect(run([withSeed.subarray(0, cut), withSeed.subarray(cut)], true)).toEqual(r);
  });
  it('an impossible packetLength stops the stream with one error', () => {
    const r = run([fromHex('0a00000004000000ffff')]);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^err 0 true/);
    const big = run([fromHex('0200000000001000')]); // 0x00100000 + … beyond MAX_PDU_BUFFER? 1 MiB = limit: 0x00100000 ok
    expect(big.out).toEqual([]);
    const tooBig = run([fromHex('0200000001001000')]);
    expect(tooBig.out[0]).toMatch(/^err 0 true .*out of range/);
  });
  it('cbDataLen larger than the packet: warning, payload bounded by packetLength', () => {
    const r = run([fromHex('0a0000000c000000ff00aabb' + REAL.handshakeRequest)]);
    expect(r.out[0]).toMatch(/^err 0 false/);
    expect(r.inner).toEqual([0xaa, 0xbb]);
    expect(r.out.slice(1)).toEqual(['data 2', 'pkt 1 14 1 1']);
  });
});
