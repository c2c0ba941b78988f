/**
 * The whole pipeline from file bytes: analyzeFiles on the input written to a scratch file (format
 * detection, readers, link/IP/TCP/UDP decoding, reassembly, every protocol decoder, state
 * machines, findings, verdict), then the text report and the JSON report. A capture that cannot be
 * read is an RdpdiagError (the CLI exits 3); any other exception is a finding.
 */
import { writeFileSync } from 'node:fs';
import { analyzeFiles } from '../../../dist/analyze.js';
import { renderText } from '../../../dist/report/terminal.js';
import { isRdpdiagError } from '../lib/memsource.mjs';
import { scratchPath } from '../lib/scratch.mjs';

export const files = [''];
export const seeds = 'pipeline';
export const maxLen = 131072;
export const expected = isRdpdiagError;

const path = scratchPath('capture');

export async function run(b) {
  writeFileSync(path, b);
  const report = await analyzeFiles([path], {});
  renderText(report, { all: true });
  JSON.stringify(report);
}
