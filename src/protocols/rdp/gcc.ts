/**
 * GCC (T.124) Conference Create Request / Response carried in the MCS connect user data,
 * and the RDP user data blocks inside them (MS-RDPBCGR 2.2.1.3 / 2.2.1.4).
 *
 * Robust approach (protocol-facts 4.6): find the H.221 key `Duca` (client) or `McDn` (server)
 * near the start, read the PER length after it, then walk TS_UD_HEADER blocks
 * (type u16 LE, length u16 LE including the header). Every field is read only as far as its
 * block length goes.
 */
import { latin1, u16le, u32le, utf16le } from '../../core/bytes.js';
import type {
  ClientChannelDef,
  ClientClusterData,
  ClientCoreData,
  ClientSecurityData,
  ServerCoreData,
  ServerNetworkData,
  ServerSecurityData,
} from './events.js';
import { parseError, type ParseError } from './parse-error.js';
import { perLength, perLengthSize } from './per.js';

/** TS_UD_HEADER types. */
export const UD_TYPE = {
  CS_CORE: 0xc001,
  CS_SECURITY: 0xc002,
  CS_NET: 0xc003,
  CS_CLUSTER: 0xc004,
  CS_MONITOR: 0xc005,
  CS_MCS_MSGCHANNEL: 0xc006,
  CS_MONITOR_EX: 0xc008,
  CS_MULTITRANSPORT: 0xc00a,
  SC_CORE: 0x0c01,
  SC_SECURITY: 0x0c02,
  SC_NET: 0x0c03,
  SC_MCS_MSGCHANNEL: 0x0c04,
  SC_MULTITRANSPORT: 0x0c08,
} as const;

/** CS_CORE earlyCapabilityFlags. */
export const RNS_UD_CS = {
  SUPPORT_ERRINFO_PDU: 0x0001,
  WANT_32BPP_SESSION: 0x0002,
  SUPPORT_STATUSINFO_PDU: 0x0004,
  STRONG_ASYMMETRIC_KEYS: 0x0008,
  RELATIVE_MOUSE_INPUT: 0x0010,
  VALID_CONNECTION_TYPE: 0x0020,
  SUPPORT_MONITOR_LAYOUT_PDU: 0x0040,
  SUPPORT_NETCHAR_AUTODETECT: 0x0080,
  SUPPORT_DYNVC_GFX_PROTOCOL: 0x0100,
  SUPPORT_DYNAMIC_TIME_ZONE: 0x0200,
  SUPPORT_HEARTBEAT_PDU: 0x0400,
  SUPPORT_SKIP_CHANNELJOIN: 0x0800,
} as const;

/** SC_SECURITY encryptionLevel. */
export const ENCRYPTION_LEVEL = { NONE: 0, LOW: 1, CLIENT_COMPATIBLE: 2, HIGH: 3, FIPS: 4 } as const;
/** CS_SECURITY / SC_SECURITY encryption method bits. */
export const ENCRYPTION_METHOD = { NONE: 0, BIT_40: 0x01, BIT_128: 0x02, BIT_56: 0x08, FIPS: 0x10 } as const;

const KEY_CLIENT = [0x44, 0x75, 0x63, 0x61]; // "Duca"
const KEY_SERVER = [0x4d, 0x63, 0x44, 0x6e]; // "McDn"
/** How far into the GCC ConnectData the key is searched (it sits ~20 bytes in). */
const KEY_SEARCH_WINDOW = 128;

export interface GccUserData {
  /** Key found: the blocks below were walked. */
  found: boolean;
  blockTypes: number[];
  /** Problems met while walking (the decoded blocks stay valid). */
  warnings: ParseError[];
}

export interface GccClientData extends GccUserData {
  core?: ClientCoreData;
  security?: ClientSecurityData;
  channels: ClientChannelDef[];
  cluster?: ClientClusterData;
  monitorCount?: number;
  messageChannelFlags?: number;
  multitransportFlags?: number;
}

export interface GccServerData extends GccUserData {
  core?: ServerCoreData;
  security?: ServerSecurityData;
  network?: ServerNetworkData;
  messageChannelId?: number;
  multitransportFlags?: number;
}

function findKey(b: Uint8Array, start: number, end: number, key: number[]): number {
  const last = Math.min(end, start + KEY_SEARCH_WINDOW) - key.length;
  for (let i = start; i <= last; i++) {
    if (b[i] === key[0] && b[i + 1] === key[1] && b[i + 2] === key[2] && b[i + 3] === key[3]) return i;
  }
  return -1;
}

/** Locates the blocks region after the key; returns [blocksStart, blocksEnd] or a ParseError. */
function blocksRegion(b: Uint8Array, start: number, end: number, key: number[], warnings: ParseError[]): [number, number] | null {
  const k = findKey(b, start, end, key);
  if (k < 0) return null;
  const lp = k + 4;
  const len = perLength(b, lp, end);
  if (len < 0) {
    warnings.push(parseError('GCC user data length missing or truncated', lp));
    return [end, end];
  }
  const bs = lp + perLengthSize(b, lp);
  let be = bs + len;
  if (be > end) {
    warnings.push(parseError(`GCC user data length ${len} runs past the MCS user data (${end - bs} bytes)`, lp));
    be = end;
  }
  return [bs, be];
}

/** Walks TS_UD_HEADER blocks, calling `onBlock(type, start, end)` (end bounded by the region). */
function walkBlocks(
  b: Uint8Array,
  bs: number,
  be: number,
  types: number[],
  warnings: ParseError[],
  onBlock: (type: number, s: number, e: number) => void,
): void {
  let p = bs;
  while (p < be) {
    if (be - p < 4) {
      warnings.push(parseError(`${be - p} trailing bytes after the last user data block`, p));
      return;
    }
    const type = u16le(b, p);
    const len = u16le(b, p + 2);
    if (len < 4) {
      warnings.push(parseError(`user data block 0x${type.toString(16)} length ${len} < 4`, p + 2));
      return;
    }
    types.push(type);
    let e = p + len;
    if (e > be) {
      warnings.push(parseError(`user data block 0x${type.toString(16)} length ${len} runs past the user data`, p + 2));
      e = be;
    }
    onBlock(type, p, e);
    p = e;
  }
}

function readClientCore(b: Uint8Array, s: number, e: number): ClientCoreData | null {
  const len = e - s;
  if (len < 132) {
    // The mandatory part ends with imeFileName at 68+64 = 132.
    if (len < 24) return null;
  }
  const has = (off: number, size: number): boolean => off + size <= len;
  const core: ClientCoreData = {
    version: u32le(b, s + 4),
    desktopWidth: u16le(b, s + 8),
    desktopHeight: u16le(b, s + 10),
    colorDepth: u16le(b, s + 12),
    sasSequence: u16le(b, s + 14),
    keyboardLayout: u32le(b, s + 16),
    clientBuild: u32le(b, s + 20),
    clientName: has(24, 32) ? utf16le(b, s + 24, s + 56) : utf16le(b, s + 24, e),
    keyboardType: has(56, 4) ? u32le(b, s + 56) : 0,
    keyboardSubType: has(60, 4) ? u32le(b, s + 60) : 0,
    keyboardFunctionKey: has(64, 4) ? u32le(b, s + 64) : 0,
    imeFileName: has(68, 64) ? utf16le(b, s + 68, s + 132) : '',
  };
  if (has(132, 2)) core.postBeta2ColorDepth = u16le(b, s + 132);
  if (has(134, 2)) core.clientProductId = u16le(b, s + 134);
  if (has(136, 4)) core.serialNumber = u32le(b, s + 136);
  if (has(140, 2)) core.highColorDepth = u16le(b, s + 140);
  if (has(142, 2)) core.supportedColorDepths = u16le(b, s + 142);
  if (has(144, 2)) core.earlyCapabilityFlags = u16le(b, s + 144);
  if (has(146, 64)) core.clientDigProductId = utf16le(b, s + 146, s + 210);
  if (has(210, 1)) core.connectionType = b[s + 210]!;
  if (has(212, 4)) core.serverSelectedProtocol = u32le(b, s + 212);
  if (has(216, 4)) core.desktopPhysicalWidth = u32le(b, s + 216);
  if (has(220, 4)) core.desktopPhysicalHeight = u32le(b, s + 220);
  if (has(224, 2)) core.desktopOrientation = u16le(b, s + 224);
  if (has(226, 4)) core.desktopScaleFactor = u32le(b, s + 226);
  if (has(230, 4)) core.deviceScaleFactor = u32le(b, s + 230);
  return core;
}

/**
 * Client data blocks from a GCC Conference Create Request (the MCS Connect Initial userData
 * region `start..end`).
 */
export function parseGccClientData(b: Uint8Array, start: number, end: number): GccClientData {
  const out: GccClientData = { found: false, blockTypes: [], warnings: [], channels: [] };
  const region = blocksRegion(b, start, end, KEY_CLIENT, out.warnings);
  if (!region) {
    out.warnings.push(parseError('GCC Conference Create Request key "Duca" not found', start));
    return out;
  }
  out.found = true;
  walkBlocks(b, region[0], region[1], out.blockTypes, out.warnings, (type, s, e) => {
    const len = e - s;
    switch (type) {
      case UD_TYPE.CS_CORE: {
        const core = readClientCore(b, s, e);
        if (core) out.core = core;
        else out.warnings.push(parseError(`CS_CORE block too short (${len})`, s));
        if (len < 132 && core) out.warnings.push(parseError(`CS_CORE block shorter than its mandatory part (${len} < 132)`, s));
        break;
      }
      case UD_TYPE.CS_SECURITY:
        if (len >= 12) out.security = { encryptionMethods: u32le(b, s + 4), extEncryptionMethods: u32le(b, s + 8) };
        else out.warnings.push(parseError(`CS_SECURITY block too short (${len})`, s));
        break;
      case UD_TYPE.CS_NET: {
        if (len < 8) {
          out.warnings.push(parseError(`CS_NET block too short (${len})`, s));
          break;
        }
        const count = u32le(b, s + 4);
        let p = s + 8;
        for (let i = 0; i < count; i++) {
          if (p + 12 > e) {
            out.warnings.push(parseError(`CS_NET declares ${count} channels, block holds ${i}`, p));
            break;
          }
          out.channels.push({ name: latin1(b, p, p + 8), options: u32le(b, p + 8) });
          p += 12;
        }
        break;
      }
      case UD_TYPE.CS_CLUSTER:
        if (len >= 12) out.cluster = { flags: u32le(b, s + 4), redirectedSessionId: u32le(b, s + 8) };
        else out.warnings.push(parseError(`CS_CLUSTER block too short (${len})`, s));
        break;
      case UD_TYPE.CS_MONITOR:
        if (len >= 12) out.monitorCount = u32le(b, s + 8);
        break;
      case UD_TYPE.CS_MCS_MSGCHANNEL:
        if (len >= 8) out.messageChannelFlags = u32le(b, s + 4);
        break;
      case UD_TYPE.CS_MULTITRANSPORT:
        if (len >= 8) out.multitransportFlags = u32le(b, s + 4);
        break;
      default:
        break;
    }
  });
  return out;
}

function readServerSecurity(b: Uint8Array, s: number, e: number): ServerSecurityData | null {
  if (e - s < 12) return null;
  const sec: ServerSecurityData = { encryptionMethod: u32le(b, s + 4), encryptionLevel: u32le(b, s + 8) };
  if (e - s < 20) return sec;
  sec.serverRandomLen = u32le(b, s + 12);
  sec.serverCertLen = u32le(b, s + 16);
  const certStart = s + 20 + sec.serverRandomLen;
  if (sec.serverCertLen >= 4 && certStart + 4 <= e) {
    const dw = u32le(b, certStart);
    const version = dw & 0x7fffffff;
    sec.serverCertVersion = version;
    sec.serverCertType = version === 1 ? 'proprietary' : version === 2 ? 'x509' : 'unknown';
    // Top bit set = temporarily issued (FreeRDP CERT_TEMPORARILY_ISSUED 0x80000000; Zeek agrees).
    sec.serverCertPermanent = dw >>> 31 === 0;
    if (version === 2 && certStart + 8 <= e) sec.serverCertCount = u32le(b, certStart + 4);
  }
  return sec;
}

/**
 * Server data blocks from a GCC Conference Create Response (the MCS Connect Response
 * userData region `start..end`).
 */
export function parseGccServerData(b: Uint8Array, start: number, end: number): GccServerData {
  const out: GccServerData = { found: false, blockTypes: [], warnings: [] };
  const region = blocksRegion(b, start, end, KEY_SERVER, out.warnings);
  if (!region) {
    out.warnings.push(parseError('GCC Conference Create Response key "McDn" not found', start));
    return out;
  }
  out.found = true;
  walkBlocks(b, region[0], region[1], out.blockTypes, out.warnings, (type, s, e) => {
    const len = e - s;
    switch (type) {
      case UD_TYPE.SC_CORE: {
        if (len < 8) {
          out.warnings.push(parseError(`SC_CORE block too short (${len})`, s));
          break;
        }
        const core: ServerCoreData = { version: u32le(b, s + 4) };
        if (len >= 12) core.clientRequestedProtocols = u32le(b, s + 8);
        if (len >= 16) core.earlyCapabilityFlags = u32le(b, s + 12);
        out.core = core;
        break;
      }
      case UD_TYPE.SC_SECURITY: {
        const sec = readServerSecurity(b, s, e);
        if (sec) out.security = sec;
        else out.warnings.push(parseError(`SC_SECURITY block too short (${len})`, s));
        break;
      }
      case UD_TYPE.SC_NET: {
        if (len < 8) {
          out.warnings.push(parseError(`SC_NET block too short (${len})`, s));
          break;
        }
        const count = u16le(b, s + 6);
        const ids: number[] = [];
        for (let i = 0; i < count; i++) {
          const p = s + 8 + 2 * i;
          if (p + 2 > e) {
            out.warnings.push(parseError(`SC_NET declares ${count} channels, block holds ${i}`, p));
            break;
          }
          ids.push(u16le(b, p));
        }
        out.network = { mcsChannelId: u16le(b, s + 4), channelIds: ids };
        break;
      }
      case UD_TYPE.SC_MCS_MSGCHANNEL:
        if (len >= 6) out.messageChannelId = u16le(b, s + 4);
        break;
      case UD_TYPE.SC_MULTITRANSPORT:
        if (len >= 8) out.multitransportFlags = u32le(b, s + 4);
        break;
      default:
        break;
    }
  });
  return out;
}
