/**
 * The NSS key-log parser: the input as key log text into a SecretStore (parse, store, duplicates
 * and conflicts) and as a key-log file read by the session layer's Secrets. Bad lines are issues;
 * an unreadable file is an RdpdiagError; any other exception is a finding.
 */
import { writeFileSync } from 'node:fs';
import { SecretStore } from '../../../dist/protocols/tls/decrypt/keylog.js';
import { Secrets } from '../../../dist/session/secrets.js';
import { isRdpdiagError } from '../lib/memsource.mjs';
import { scratchPath } from '../lib/scratch.mjs';

export const files = ['protocols/tls/decrypt/keylog', 'session/secrets'];
export const seeds = 'keylog';
export const maxLen = 16384;
export const expected = isRdpdiagError;

const path = scratchPath('keylog');

export async function run(b) {
  const text = Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  const store = new SecretStore();
  store.addText(text, 'fuzz');
  store.addText(text, 'fuzz-again', 5);
  writeFileSync(path, b);
  const s = new Secrets();
  const r = s.addKeyLogFile(path);
  if (r && typeof r.then === 'function') await r;
}
