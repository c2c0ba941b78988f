/**
 * RDP-UDP (MS-RDPEUDP SYN/SYN+ACK, RDP-UDP2, DTLS-protected datagrams): RdpUdpDecoder with each
 * data chunk as one datagram, on the direct (3389) or gateway (3391) channel by the input's
 * length. Problems are events; nothing may throw.
 */
import { RdpUdpDecoder } from '../../../dist/protocols/rdpudp/rdpudp.js';
import { driveDatagrams } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/rdpudp/'];
export const seeds = 'rdpudp';
export const maxLen = 32768;

export function run(b) {
  driveDatagrams(new RdpUdpDecoder(checkEvent, { serverPort: b.length & 1 ? 3391 : 3389 }), b);
}
