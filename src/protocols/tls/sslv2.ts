/**
 * SSLv2 hello messages (draft-hickman-netscape-ssl-00; RFC 5246 Appendix E.2 for the
 * SSLv2-compatible ClientHello that TLS servers must accept). Cold path.
 * `body` is the record body after the 2-byte header.
 */
import { u16be } from '../../core/bytes.js';
import { fail, success, type ParseResult } from './problems.js';

export const Sslv2MessageType = { clientHello: 1, serverHello: 4 } as const;

export interface Sslv2ClientHello {
  /** 0x0002 for SSLv2, 0x0300/0x0301… for a TLS client using the compatible format. */
  version: number;
  /** 3-byte cipher kinds (TLS suites appear as 0x00XXXX). */
  cipherSpecs: number[];
  sessionIdLength: number;
  challenge: Uint8Array;
  /** The challenge right-justified in 32 bytes with leading zeros: the TLS ClientHello.random. */
  clientRandom: Uint8Array;
}

export interface Sslv2ServerHello {
  sessionIdHit: boolean;
  certificateType: number;
  version: number;
  certificateLength: number;
  cipherSpecs: number[];
  connectionIdLength: number;
}

function readSpecs(b: Uint8Array, o: number, len: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 2 < len; i += 3) out.push((b[o + i]! << 16) | (b[o + i + 1]! << 8) | b[o + i + 2]!);
  return out;
}

export function parseSslv2ClientHello(body: Uint8Array): ParseResult<Sslv2ClientHello> {
  if (body.length < 9) return fail(0, `SSLv2 CLIENT-HELLO shorter than its 9-byte header (${body.length})`);
  if (body[0] !== Sslv2MessageType.clientHello) return fail(0, `SSLv2 message type ${body[0]} is not CLIENT-HELLO`);
  const version = u16be(body, 1);
  const specLen = u16be(body, 3);
  const sidLen = u16be(body, 5);
  const chLen = u16be(body, 7);
  if (specLen % 3 !== 0) return fail(3, `SSLv2 cipher_spec_length ${specLen} is not a multiple of 3`);
  if (9 + specLen + sidLen + chLen !== body.length) {
    return fail(3, `SSLv2 CLIENT-HELLO lengths (${specLen}+${sidLen}+${chLen}) do not match the record (${body.length - 9})`);
  }
  if (chLen < 16 || chLen > 32) return fail(7, `SSLv2 challenge length ${chLen} outside 16..32`);
  const challenge = body.slice(9 + specLen + sidLen, 9 + specLen + sidLen + chLen);
  const clientRandom = new Uint8Array(32);
  clientRandom.set(challenge, 32 - chLen);
  return success({
    version,
    cipherSpecs: readSpecs(body, 9, specLen),
    sessionIdLength: sidLen,
    challenge,
    clientRandom,
  });
}

export function parseSslv2ServerHello(body: Uint8Array): ParseResult<Sslv2ServerHello> {
  if (body.length < 11) return fail(0, `SSLv2 SERVER-HELLO shorter than its 11-byte header (${body.length})`);
  if (body[0] !== Sslv2MessageType.serverHello) return fail(0, `SSLv2 message type ${body[0]} is not SERVER-HELLO`);
  const certLen = u16be(body, 5);
  const specLen = u16be(body, 7);
  const connLen = u16be(body, 9);
  if (11 + certLen + specLen + connLen !== body.length) {
    return fail(5, `SSLv2 SERVER-HELLO lengths (${certLen}+${specLen}+${connLen}) do not match the record (${body.length - 11})`);
  }
  return success({
    sessionIdHit: body[1] !== 0,
    certificateType: body[2]!,
    version: u16be(body, 3),
    certificateLength: certLen,
    cipherSpecs: readSpecs(body, 11 + certLen, specLen),
    connectionIdLength: connLen,
  });
}
