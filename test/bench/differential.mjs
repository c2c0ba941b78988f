#!/usr/bin/env node
/**
 * Differential: an old build's reports against this build's, in one process, over the corpus
 * captures (`../shared/captures/public`, those under --max-mb, default 20) and every lab capture
 * (`captures/lab`, with its `.keylog` where present). The old build lists every connection; the new
 * one is run with the CLI's default listing (`list: 'diagnostic'`). Compared: capture, fragments,
 * icmp, findings, verdict, secrets, and every connection the new report lists (equal to the old
 * report's connection of the same id); the aggregates must count exactly the old connections
 * not listed, with their bytes and packets.
 *
 *   node test/bench/differential.mjs OLD_REPO_DIR [--max-mb 20] [--out FILE]
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const args = process.argv.slice(2);
const oldDir = resolve(args[0] ?? '');
const opt = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const maxBytes = Number(opt('--max-mb', '20')) * 1024 * 1024;
const out = opt('--out', null);
const only = opt('--only', null);

const oldA = await import(pathToFileURL(join(oldDir, 'dist', 'analyze.js')).href);
const newA = await import(pathToFileURL(join(REPO, 'dist', 'analyze.js')).href);

const files = [];
const corpus = resolve(REPO, '..', 'shared', 'captures', 'public');
if (existsSync(join(corpus, 'manifest.json'))) {
  for (const e of JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')).captures) {
    const p = join(corpus, e.local);
    if (e.dup_of || !existsSync(p) || statSync(p).size > maxBytes) continue;
    files.push({ path: p, keylogs: [] });
  }
}
const lab = join(REPO, 'captures', 'lab');
if (existsSync(lab)) {
  const names = readdirSync(lab);
  for (const n of names.filter((x) => /\.(pcapng|pcap)$/.test(x)).sort()) {
    const base = n.replace(/\.(pcapng|pcap)$/, '').replace(/-(client|server)$/, '');
    const keylogs = names.includes(`${base}.keylog`) ? [join(lab, `${base}.keylog`)] : [];
    files.push({ path: join(lab, n), keylogs });
  }
}

const PARTS = ['capture', 'fragments', 'icmp', 'findings', 'verdict', 'secrets'];
let same = 0;
const diffs = [];
const errors = [];
let listed = 0;
let aggregated = 0;
for (const f of only ? files.filter((x) => x.path.includes(only)) : files) {
  let a;
  let b;
  try {
    a = await oldA.analyzeFiles([f.path], { keylogs: f.keylogs });
  } catch (e) {
    try {
      await newA.analyzeFiles([f.path], { keylogs: f.keylogs, list: 'diagnostic' });
      errors.push({ file: f.path, what: `old throws (${e.message}), new does not` });
    } catch (e2) {
      if (e2.message !== e.message) errors.push({ file: f.path, what: `both throw, differently: ${e.message} / ${e2.message}` });
    }
    continue;
  }
  try {
    b = await newA.analyzeFiles([f.path], { keylogs: f.keylogs, list: 'diagnostic' });
  } catch (e) {
    errors.push({ file: f.path, what: `new throws: ${e.message}` });
    continue;
  }
  const d = [];
  for (const k of PARTS) if (!isDeepStrictEqual(a[k], b[k])) d.push(k);
  const byId = new Map(a.connections.map((c) => [c.id, c]));
  for (const c of b.connections) {
    if (!isDeepStrictEqual(c, byId.get(c.id))) d.push(`connection #${c.id}`);
    byId.delete(c.id);
  }
  const rest = [...byId.values()];
  const ag = b.aggregates;
  const sum = (k, s) => rest.reduce((n, c) => n + c[k][s], 0);
  if (!ag || ag.connections !== rest.length || ag.bytes.client !== sum('bytes', 'client') || ag.bytes.server !== sum('bytes', 'server') || ag.packets.client !== sum('packets', 'client') || ag.packets.server !== sum('packets', 'server')) {
    d.push(`aggregates (${ag?.connections} vs ${rest.length} unlisted)`);
  }
  const leaked = rest.filter((c) => ['rdp', 'rdp-gateway', 'rdp-udp', 'kerberos'].includes(c.protocol));
  if (leaked.length > 0) d.push(`RDP-related connections aggregated: ${leaked.map((c) => c.id).join(',')}`);
  listed += b.connections.length;
  aggregated += rest.length;
  if (d.length === 0) same++;
  else diffs.push({ file: f.path, parts: d.slice(0, 20), count: d.length });
}
const summary = { oldDir, files: files.length, same, differing: diffs.length, errors, listed, aggregated, diffs };
const text = JSON.stringify(summary, null, 2);
if (out) writeFileSync(out, text + '\n');
console.log(`${files.length} captures: ${same} the same, ${diffs.length} differ, ${errors.length} errors; connections listed ${listed}, aggregated ${aggregated}`);
for (const x of diffs.slice(0, 30)) console.log(`  ${x.file}: ${x.parts.join('; ')}`);
for (const x of errors.slice(0, 30)) console.log(`  ${x.file}: ${x.what}`);
