/**
 * TLS records and handshake without keys: TlsStreamDecoder on both directions (record framing,
 * handshake reassembly, hellos, certificates, alerts, SSLv2, compression). Problems are events;
 * nothing may throw.
 */
import { TlsStreamDecoder } from '../../../dist/protocols/tls/tls-decoder.js';
import { driveStream } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/tls/'];
export const exclude = ['protocols/tls/decrypt/'];
export const seeds = 'tls';
export const maxLen = 32768;

const noop = () => {};

export function run(b) {
  driveStream(new TlsStreamDecoder(checkEvent, { onPlaintext: noop, onPlaintextGap: noop }), b);
}
