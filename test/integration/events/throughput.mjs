// Throughput of the EVTX reader (records/s) over the public corpus, and its peak RSS.
// Usage: npm run build && node test/integration/events/throughput.mjs [rounds]
// Reads every .evtx of ../shared/evtx/public `rounds` times (default 5) and prints records/s;
// peak RSS is the process's maxRSS at the end (one reader at a time, so it bounds one file).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEvtxFile } from '../../../dist/evtx/evtx-reader.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ROOT = join(REPO, '..', 'shared', 'evtx', 'public');
const walk = (d) => readdirSync(d).flatMap((n) => { const p = join(d, n); return statSync(p).isDirectory() ? walk(p) : p.endsWith('.evtx') ? [p] : []; });
const files = process.argv[3] ? [process.argv[3]] : walk(ROOT);
const rounds = Number(process.argv[2] ?? 5);
let records = 0, bytes = 0;
const t0 = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) {
  for (const f of files) {
    bytes += statSync(f).size;
    for (const it of readEvtxFile(f)) if ('event' in it) records++;
  }
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ files: files.length, rounds, records, seconds: +s.toFixed(3), recordsPerSecond: Math.round(records / s), MBps: +(bytes / s / 1e6).toFixed(1), peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1) }));
