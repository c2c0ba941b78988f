/**
 * Kerberos framing and messages: the same chunks through the TCP decoder (4-byte record marks,
 * resynchronisation), each data chunk as a UDP datagram and as a KKDCP body, and the GSS-API
 * scanner used on SMB/LDAP/RPC streams. Problems are events; nothing may throw.
 */
import { KerberosTcpDecoder, KerberosUdpDecoder } from '../../../dist/protocols/kerberos/framing.js';
import { GssKerberosScanner } from '../../../dist/protocols/kerberos/gss-scanner.js';
import { decodeKdcProxyBody } from '../../../dist/protocols/kerberos/kkdcp.js';
import { chunks, driveDatagrams, driveStream } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/kerberos/', 'protocols/asn1/'];
export const seeds = 'kerberos';
export const maxLen = 32768;

export function run(b) {
  driveStream(new KerberosTcpDecoder(checkEvent), b);
  driveDatagrams(new KerberosUdpDecoder(checkEvent), b);
  let frame = 1;
  for (const c of chunks(b)) if (c.kind === 'data') decodeKdcProxyBody(c.dir, c.data, { frame: frame++, ts: 1_700_000_000 + frame, decrypted: true }, checkEvent);
  driveStream(new GssKerberosScanner(checkEvent), b);
}
