/**
 * CredSSP / SPNEGO / NTLM (and Kerberos tokens inside SPNEGO): CredSspStreamDecoder on decrypted
 * TLS plaintext, as session/inner-rdp.ts drives it. Problems are events; nothing may throw.
 */
import { CredSspStreamDecoder } from '../../../dist/protocols/credssp/credssp-decoder.js';
import { driveStream } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/credssp/', 'protocols/ntlm/', 'protocols/asn1/'];
export const seeds = 'credssp';
export const maxLen = 32768;

const noop = () => {};

export function run(b) {
  driveStream(new CredSspStreamDecoder(checkEvent, { decrypted: true, onEnd: noop, onAfterEnd: noop }), b);
}
