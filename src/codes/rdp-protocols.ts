/**
 * RDP_NEG_REQ requestedProtocols / RDP_NEG_RSP selectedProtocol values. MS-RDPBCGR.
 */
import { defineTable, formatHex, type CodeEntry, type CodeInfo } from './table.js';

const SRC = 'MS-RDPBCGR; FreeRDP nego.h, Wireshark RDP dissector';

export const PROTOCOL_RDP = 0x00000000;
export const PROTOCOL_SSL = 0x00000001;
export const PROTOCOL_HYBRID = 0x00000002;
export const PROTOCOL_RDSTLS = 0x00000004;
export const PROTOCOL_HYBRID_EX = 0x00000008;
export const PROTOCOL_RDSAAD = 0x00000010;

export const RDP_PROTOCOLS = [
  { code: PROTOCOL_RDP, name: 'PROTOCOL_RDP', meaning: 'Standard RDP Security (RC4, no TLS).', verified: true, source: SRC },
  { code: PROTOCOL_SSL, name: 'PROTOCOL_SSL', meaning: 'TLS without NLA ("Enhanced RDP Security" with TLS 1.0-1.2).', verified: true, source: SRC },
  { code: PROTOCOL_HYBRID, name: 'PROTOCOL_HYBRID', meaning: 'CredSSP (Network Level Authentication) over TLS.', verified: true, source: SRC },
  { code: PROTOCOL_RDSTLS, name: 'PROTOCOL_RDSTLS', meaning: 'RDSTLS (redirected / Azure scenarios).', verified: true, source: SRC },
  { code: PROTOCOL_HYBRID_EX, name: 'PROTOCOL_HYBRID_EX', meaning: 'CredSSP plus the Early User Authorization Result PDU.', verified: true, source: SRC },
  { code: PROTOCOL_RDSAAD, name: 'PROTOCOL_RDSAAD', meaning: 'RDS AAD (Azure AD / Entra ID) authentication.', verified: true, source: SRC },
] as const satisfies readonly CodeEntry[];

export const rdpProtocolTable = defineTable({
  id: 'rdp-protocol',
  title: 'RDP security protocol',
  section: '4.3',
  entries: RDP_PROTOCOLS,
  hexDigits: 8,
  radix: 'hex',
  fallbackName: (_c, hex) => `PROTOCOL_${hex} (unknown)`,
});

/** Name of a selectedProtocol value (one value, not a mask). */
export function rdpProtocol(code: number): CodeInfo {
  return rdpProtocolTable.lookup(code);
}

const BITS = [PROTOCOL_SSL, PROTOCOL_HYBRID, PROTOCOL_RDSTLS, PROTOCOL_HYBRID_EX, PROTOCOL_RDSAAD] as const;

/**
 * requestedProtocols bit mask → names, lowest bit first. 0 → ['PROTOCOL_RDP']; unknown bits are
 * reported as one `0x…` entry. Never throws (non-integers give ['<value> (invalid)']).
 */
export function rdpProtocolNames(mask: number): string[] {
  if (!Number.isInteger(mask) || mask < -0x80000000 || mask > 0xffffffff) return [`${String(mask)} (invalid)`];
  const u = mask >>> 0;
  if (u === 0) return ['PROTOCOL_RDP'];
  const out: string[] = [];
  let known = 0;
  for (const bit of BITS) {
    if (u & bit) {
      out.push(rdpProtocolTable.lookup(bit).name);
      known |= bit;
    }
  }
  const rest = (u & ~known) >>> 0;
  if (rest !== 0) out.push(`${formatHex(rest, 8)} (unknown bits)`);
  return out;
}
