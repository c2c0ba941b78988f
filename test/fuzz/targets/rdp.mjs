/**
 * TPKT / X.224 / MCS / GCC in the clear: RdpStreamDecoder on both directions of a 3389 stream
 * (as src/session/analyzers.ts drives it); bytes after the security upgrade go to onUpgrade.
 * A clean rejection is an event (analyzer.violation / DecodeIssue): nothing may throw.
 */
import { RdpStreamDecoder } from '../../../dist/protocols/rdp/rdp-decoder.js';
import { driveStream } from '../lib/chunks.mjs';
import { checkEvent } from '../lib/events.mjs';

export const files = ['protocols/rdp/'];
export const seeds = 'rdp';
export const maxLen = 32768;

export function run(b) {
  let upgraded = 0;
  const d = new RdpStreamDecoder(checkEvent, { onUpgrade: (_dir, rest) => (upgraded += rest.length) });
  driveStream(d, b);
}
