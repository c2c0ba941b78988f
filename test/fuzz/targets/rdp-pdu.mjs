/**
 * RDP PDUs in decrypted plaintext after CredSSP (MCS Connect Initial/Response with GCC blocks,
 * domain PDUs, Client Info, licensing, share PDUs, Early User Authorization Result, fast-path):
 * RdpPduDecoder as session/inner-rdp.ts drives it (with and without the HYBRID_EX expectation,
 * chosen by the input's length). Problems are events; nothing may throw.
 */
import { RdpPduDecoder } from '../../../dist/protocols/rdp/rdp-pdu-decoder.js';
import { driveStream } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/rdp/'];
export const seeds = 'rdp-pdu';
export const maxLen = 32768;

export function run(b) {
  driveStream(new RdpPduDecoder(checkEvent, { decrypted: true, expectEarlyUserAuth: (b.length & 1) === 1 }), b);
}
