/**
 * HYBRID_EX Early User Authorization Result PDU (MS-RDPBCGR 2.2.10.2): 4 bytes LE sent by the
 * server inside TLS right after CredSSP. 0x00000000 AUTHZ_SUCCESS, 0x00000005 AUTHZ_ACCESS_DENIED.
 */
import { u32le } from '../../core/bytes.js';

export const EARLY_USER_AUTH_LENGTH = 4;
export const AUTHZ = { SUCCESS: 0x00000000, ACCESS_DENIED: 0x00000005 } as const;

/** The result at `off`, or -1 when fewer than 4 bytes are available. */
export function parseEarlyUserAuthResult(b: Uint8Array, off: number, end: number): number {
  return end - off < EARLY_USER_AUTH_LENGTH ? -1 : u32le(b, off);
}
