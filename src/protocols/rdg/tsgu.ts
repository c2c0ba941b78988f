/**
 * MS-TSGU HTTP transport packets (all little-endian): 8-byte header
 * (packetType u16, reserved u16, packetLength u32 including the header), then a body
 * per type. Layouts from protocol-facts.md §8.2 (FreeRDP rdg.c, rdpgw, MS-TSGU 2.2.10.x),
 * checked against the decrypted awakecoding RD Gateway captures.
 *
 * `decodeTsguPacket` decodes one complete non-DATA packet; DATA packets are streamed by
 * TsguStream without being decoded here. Malformed input gives a `{ type: 'malformed' }`
 * result, never an exception.
 */
import { toHex, u16le, u32le, utf16le } from '../../core/bytes.js';
import { Cursor } from '../../core/cursor.js';
import type { TsguEvent } from './events.js';

export const TsguPacketType = {
  handshakeRequest: 0x01,
  handshakeResponse: 0x02,
  extendedAuthMsg: 0x03,
  tunnelCreate: 0x04,
  tunnelResponse: 0x05,
  tunnelAuth: 0x06,
  tunnelAuthResponse: 0x07,
  channelCreate: 0x08,
  channelResponse: 0x09,
  data: 0x0a,
  serviceMessage: 0x0b,
  reauthMessage: 0x0c,
  keepalive: 0x0d,
  closeChannel: 0x10,
  closeChannelResponse: 0x11,
} as const;
export type TsguPacketType = (typeof TsguPacketType)[keyof typeof TsguPacketType];

export const TSGU_HEADER_LENGTH = 8;

/** HTTP_TUNNEL_RESPONSE fieldsPresent bits. */
export const TunnelResponseFields = { tunnelId: 0x1, caps: 0x2, sohReq: 0x4, consentMsg: 0x10 } as const;
/** HTTP_TUNNEL_AUTH_RESPONSE fieldsPresent bits. */
export const TunnelAuthResponseFields = { redirFlags: 0x1, idleTimeout: 0x2, sohResponse: 0x4 } as const;
/** HTTP_CHANNEL_RESPONSE fieldsPresent bits. */
export const ChannelResponseFields = { channelId: 0x1, authnCookie: 0x2, udpPort: 0x4 } as const;
/** HTTP_TUNNEL_PACKET fieldsPresent bits. */
export const TunnelCreateFields = { paaCookie: 0x1 } as const;

export function isKnownTsguPacketType(t: number): boolean {
  return (t >= 0x01 && t <= 0x0d) || t === 0x10 || t === 0x11;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A decoded packet: an event without its frame/ts/dir fields. */
export type TsguPacket = DistributiveOmit<TsguEvent, 'frame' | 'firstFrame' | 'ts' | 'dir' | 'decrypted'>;
export interface TsguMalformed {
  readonly type: 'malformed';
  readonly packetType: number;
  readonly message: string;
}

/** Header fields, or null when fewer than 8 bytes are available. */
export function readTsguHeader(
  b: Uint8Array,
  o: number,
  end: number,
): { packetType: number; reserved: number; packetLength: number } | null {
  if (end - o < TSGU_HEADER_LENGTH) return null;
  return { packetType: u16le(b, o), reserved: u16le(b, o + 2), packetLength: u32le(b, o + 4) };
}

/** A UTF-16LE string preceded by its byte length (u16), read from a cursor; bounded. */
function lenPrefixedUtf16(c: Cursor): string {
  const len = c.u16le();
  const v = c.bytes(len);
  return c.ok ? utf16le(v, 0, v.length) : '';
}

/**
 * Decodes one complete MS-TSGU packet b[start..end) (header included; `end - start` is
 * the packet length). DATA packets are reported as malformed here: use TsguStream.
 */
export function decodeTsguPacket(b: Uint8Array, start: number, end: number): TsguPacket | TsguMalformed {
  const hdr = readTsguHeader(b, start, end);
  if (!hdr) return { type: 'malformed', packetType: -1, message: 'MS-TSGU packet shorter than its 8-byte header' };
  const t = hdr.packetType;
  const bad = (message: string): TsguMalformed => ({ type: 'malformed', packetType: t, message });
  if (hdr.packetLength !== end - start) return bad(`packetLength ${hdr.packetLength} differs from the ${end - start} bytes given`);
  const c = new Cursor(b, start + TSGU_HEADER_LENGTH, end);
  const short = (name: string): TsguMalformed => bad(`${name} packet truncated (${end - start} bytes)`);
  switch (t) {
    case TsguPacketType.handshakeRequest: {
      const versionMajor = c.u8();
      const versionMinor = c.u8();
      const clientVersion = c.u16le();
      const extendedAuth = c.u16le();
      if (!c.ok) return short('HANDSHAKE_REQUEST');
      return { type: 'rdg.handshake_request', versionMajor, versionMinor, clientVersion, extendedAuth };
    }
    case TsguPacketType.handshakeResponse: {
      const errorCode = c.u32le();
      const versionMajor = c.u8();
      const versionMinor = c.u8();
      const serverVersion = c.u16le();
      const extendedAuth = c.u16le();
      if (!c.ok) return short('HANDSHAKE_RESPONSE');
      return { type: 'rdg.handshake_response', errorCode, versionMajor, versionMinor, serverVersion, extendedAuth };
    }
    case TsguPacketType.extendedAuthMsg: {
      const errorCode = c.u32le();
      const blobLength = c.u16le();
      c.skip(blobLength);
      if (!c.ok) return short('EXTENDED_AUTH_MSG');
      return { type: 'rdg.extended_auth', errorCode, blobLength };
    }
    case TsguPacketType.tunnelCreate: {
      const capabilityFlags = c.u32le();
      const fieldsPresent = c.u16le();
      c.u16le(); // reserved
      if (!c.ok) return short('TUNNEL_CREATE');
      const hasPaaCookie = (fieldsPresent & TunnelCreateFields.paaCookie) !== 0;
      if (!hasPaaCookie) return { type: 'rdg.tunnel_create', capabilityFlags, fieldsPresent, hasPaaCookie };
      const paaCookieLength = c.u16le();
      c.skip(paaCookieLength);
      if (!c.ok) return short('TUNNEL_CREATE');
      return { type: 'rdg.tunnel_create', capabilityFlags, fieldsPresent, hasPaaCookie, paaCookieLength };
    }
    case TsguPacketType.tunnelResponse: {
      const serverVersion = c.u16le();
      const statusCode = c.u32le();
      const fieldsPresent = c.u16le();
      c.u16le(); // reserved
      if (!c.ok) return short('TUNNEL_RESPONSE');
      let tunnelId: number | undefined;
      let capabilityFlags: number | undefined;
      if (fieldsPresent & TunnelResponseFields.tunnelId) tunnelId = c.u32le();
      if (fieldsPresent & TunnelResponseFields.caps) capabilityFlags = c.u32le();
      // The SoH request (nonce + server certificate) and consent message follow; only flagged.
      if (!c.ok) return short('TUNNEL_RESPONSE');
      return {
        type: 'rdg.tunnel_response',
        serverVersion,
        statusCode,
        fieldsPresent,
        ...(tunnelId !== undefined ? { tunnelId } : {}),
        ...(capabilityFlags !== undefined ? { capabilityFlags } : {}),
        hasSohRequest: (fieldsPresent & TunnelResponseFields.sohReq) !== 0,
        hasConsentMessage: (fieldsPresent & TunnelResponseFields.consentMsg) !== 0,
      };
    }
    case TsguPacketType.tunnelAuth: {
      const fieldsPresent = c.u16le();
      const clientName = lenPrefixedUtf16(c);
      if (!c.ok) return short('TUNNEL_AUTH');
      return { type: 'rdg.tunnel_auth', fieldsPresent, clientName };
    }
    case TsguPacketType.tunnelAuthResponse: {
      const errorCode = c.u32le();
      const fieldsPresent = c.u16le();
      c.u16le(); // reserved
      if (!c.ok) return short('TUNNEL_AUTH_RESPONSE');
      let redirFlags: number | undefined;
      let idleTimeout: number | undefined;
      if (fieldsPresent & TunnelAuthResponseFields.redirFlags) redirFlags = c.u32le();
      if (fieldsPresent & TunnelAuthResponseFields.idleTimeout) idleTimeout = c.u32le();
      if (!c.ok) return short('TUNNEL_AUTH_RESPONSE');
      return {
        type: 'rdg.tunnel_auth_response',
        errorCode,
        fieldsPresent,
        ...(redirFlags !== undefined ? { redirFlags } : {}),
        ...(idleTimeout !== undefined ? { idleTimeout } : {}),
        hasSohResponse: (fieldsPresent & TunnelAuthResponseFields.sohResponse) !== 0,
      };
    }
    case TsguPacketType.channelCreate: {
      const numResources = c.u8();
      const numAltResources = c.u8();
      const port = c.u16le();
      const protocol = c.u16le();
      if (!c.ok) return short('CHANNEL_CREATE');
      const targetServers: string[] = [];
      const altTargetServers: string[] = [];
      for (let k = 0; k < numResources && c.ok; k++) targetServers.push(lenPrefixedUtf16(c));
      for (let k = 0; k < numAltResources && c.ok; k++) altTargetServers.push(lenPrefixedUtf16(c));
      if (!c.ok) return short('CHANNEL_CREATE');
      return { type: 'rdg.channel_create', numResources, numAltResources, port, protocol, targetServers, altTargetServers };
    }
    case TsguPacketType.channelResponse: {
      const errorCode = c.u32le();
      const fieldsPresent = c.u16le();
      c.u16le(); // reserved
      if (!c.ok) return short('CHANNEL_RESPONSE');
      let channelId: number | undefined;
      let udpPort: number | undefined;
      let authnCookieLength: number | undefined;
      if (fieldsPresent & ChannelResponseFields.channelId) channelId = c.u32le();
      if (fieldsPresent & ChannelResponseFields.udpPort) udpPort = c.u16le();
      if (fieldsPresent & ChannelResponseFields.authnCookie) {
        authnCookieLength = c.u16le();
        c.skip(authnCookieLength);
      }
      if (!c.ok) return short('CHANNEL_RESPONSE');
      return {
        type: 'rdg.channel_response',
        errorCode,
        fieldsPresent,
        ...(channelId !== undefined ? { channelId } : {}),
        ...(udpPort !== undefined ? { udpPort } : {}),
        ...(authnCookieLength !== undefined ? { authnCookieLength } : {}),
      };
    }
    case TsguPacketType.serviceMessage: {
      const message = lenPrefixedUtf16(c);
      if (!c.ok) return short('SERVICE_MESSAGE');
      return { type: 'rdg.service_message', message };
    }
    case TsguPacketType.reauthMessage: {
      const ctx = c.bytes(8);
      if (!c.ok) return short('REAUTH_MESSAGE');
      return { type: 'rdg.reauth', reauthTunnelContext: toHex(ctx) };
    }
    case TsguPacketType.keepalive:
      return { type: 'rdg.keepalive' };
    case TsguPacketType.closeChannel:
    case TsguPacketType.closeChannelResponse: {
      const statusCode = c.u32le();
      if (!c.ok) return short(t === TsguPacketType.closeChannel ? 'CLOSE_CHANNEL' : 'CLOSE_CHANNEL_RESPONSE');
      return { type: t === TsguPacketType.closeChannel ? 'rdg.close_channel' : 'rdg.close_channel_response', statusCode };
    }
    case TsguPacketType.data:
      return bad('DATA packets are streamed, not decoded whole');
    default:
      return { type: 'rdg.unknown_packet', packetType: t, packetLength: hdr.packetLength };
  }
}
