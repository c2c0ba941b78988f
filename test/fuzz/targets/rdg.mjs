/**
 * RD Gateway: HTTP (Content-Length, chunked, Upgrade), WebSocket frames and MS-TSGU packets in
 * decrypted gateway plaintext: RdgStreamDecoder as session/analyzers.ts drives it (KKDCP bodies
 * to the KKDCP decoder, tunnelled RDP bytes counted). Problems are events; nothing may throw.
 */
import { RdgStreamDecoder } from '../../../dist/protocols/rdg/rdg-decoder.js';
import { decodeKdcProxyBody } from '../../../dist/protocols/kerberos/kkdcp.js';
import { driveStream } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/rdg/'];
export const seeds = 'rdg';
export const maxLen = 32768;

export function run(b) {
  let inner = 0;
  const d = new RdgStreamDecoder(checkEvent, {
    decrypted: true,
    onAuthEvent: checkEvent,
    onInnerData: (_dir, data) => (inner += data.length),
    onKdcProxy: (dir, body, info) => decodeKdcProxyBody(dir, body, info, checkEvent),
  });
  driveStream(d, b);
}
