#!/usr/bin/env node
// Writes docs/accuracy.md: every lab capture (captures/lab/.meta/*.json: scenario × vantage point) analysed
// by the built CLI with and without its key log (and with the options a scenario's user would give:
// `analyze` and `variants` in the manifest entry), plus the public-corpus captures with a known outcome
// (the KNOWN table of test/integration/verdicts/corpus-known.test.ts). Run after `npm run build`:
//   node test/accuracy/accuracy.mjs            # writes docs/accuracy.md
//   node test/accuracy/accuracy.mjs --check    # exits 1 when any row is confidently wrong
// Expected verdicts come from the manifests (what the lab staged) and, where a vantage point cannot see
// the cause, from SEEN_FROM_HERE in test/integration/verdicts/lab.test.ts (each with its reason).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CAPS = join(REPO, 'captures');
const META = join(CAPS, 'lab', '.meta');
const CORPUS = resolve(REPO, '..', 'shared', 'captures', 'public');
const CLI = join(REPO, 'bin', 'rdpdiag');
const check = process.argv.includes('--check');

/** Evaluates the object literal `name` declared in a test file (a plain data table; types stripped). */
function tableFrom(file, name, prelude = '') {
  const src = readFileSync(join(REPO, file), 'utf8');
  const start = src.indexOf(`const ${name}`);
  if (start < 0) return undefined;
  const eq = src.indexOf('=', src.indexOf(name, start) + name.length);
  const open = src.slice(eq + 1).search(/[[{]/) + eq + 1;
  let depth = 0;
  let i = open;
  let quote = null;
  for (; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') if (--depth === 0) break;
  }
  const consts = [...src.matchAll(/^const ([A-Z_]+) = ('(?:[^'\\]|\\.)*'|`[^`]*`);$/gm)].map((m) => `const ${m[1]} = ${m[2]};`).join('\n');
  return new Function(`${prelude}\n${consts}\nreturn (${src.slice(open, i + 1)});`)();
}

const seenFromHere = tableFrom('test/integration/verdicts/lab.test.ts', 'SEEN_FROM_HERE') ?? {};
const known = tableFrom('test/integration/verdicts/corpus-known.test.ts', 'KNOWN') ?? [];

async function analyze(file, args) {
  const argv = ['analyze', '--format', 'json', ...args, file];
  let out;
  try {
    out = (await run(CLI, argv, { encoding: 'utf8', maxBuffer: 256 << 20 })).stdout;
  } catch (e) {
    if (typeof e.stdout === 'string' && e.stdout.startsWith('{')) out = e.stdout; // exit 1: a failure was diagnosed
    else return { cause: 'error', confidence: '-', summary: String(e.stderr ?? e.message).split('\n')[0] };
  }
  const v = JSON.parse(out).verdict;
  return { cause: v.cause, confidence: v.confidence, summary: v.summary ?? '' };
}

function optionArgs(o = {}) {
  const a = [];
  if (o.server) a.push('--server', o.server);
  if (o.client) a.push('--client', o.client);
  if (o.failedAt) a.push('--failed-at', o.failedAt);
  return a;
}

/** right | weaker (an honest unknown, or a right cause without keys at lower confidence) | wrong | confidently wrong */
function grade(expected, got, keyless, maxConfidence) {
  if (expected.includes(got.cause)) {
    if (maxConfidence === 'low' && got.confidence !== 'low') return 'too confident';
    if (maxConfidence === 'medium' && got.confidence === 'high') return 'too confident';
    return 'right';
  }
  if (got.cause === 'unknown' || (keyless && got.cause === 'no-rdp-traffic' && got.confidence !== 'high')) return got.confidence === 'high' ? 'confidently wrong' : 'weaker';
  return got.confidence === 'high' ? 'confidently wrong' : 'wrong';
}

const jobs = [];
for (const f of readdirSync(META).filter((x) => x.endsWith('.json')).sort()) {
  const m = JSON.parse(readFileSync(join(META, f), 'utf8'));
  const file = join(CAPS, m.file);
  if (!existsSync(file)) continue;
  const here = seenFromHere[m.file];
  const expected = here?.cause ?? m.expectedCause;
  const why = here?.why ?? null;
  const base = optionArgs(m.analyze);
  const opts = Object.entries(m.analyze ?? {}).filter(([, v]) => v).map(([k, v]) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} ${v}`).join(' ');
  if (m.keylog) jobs.push({ kind: 'lab', m, file, keys: 'yes', args: ['--keylog', join(CAPS, m.keylog), ...base], expected: [expected], opts, why, maxConfidence: here?.confidence });
  // (the confidence limits of SEEN_FROM_HERE are for the run with keys; without them only the cause is judged)
  jobs.push({ kind: 'lab', m, file, keys: m.keylog ? 'no' : '-', args: ['--no-decrypt', ...base], expected: [expected], opts, why, keyless: Boolean(m.keylog), maxConfidence: m.keylog ? undefined : here?.confidence });
  // A gateway scenario without keys, with --server naming the gateway as its user would.
  if (m.keylog && m.scenario.startsWith('gateway-') && !m.analyze?.server && m.addresses?.server) {
    jobs.push({ kind: 'lab', m, file, keys: 'no', args: ['--no-decrypt', '--server', m.addresses.server], expected: [expected], opts: `--server ${m.addresses.server}`, why: null, keyless: true });
  }
  for (const v of m.variants ?? []) {
    const vo = Object.entries(v.analyze ?? {}).map(([k, x]) => `--${k} ${x}`).join(' ');
    jobs.push({ kind: 'lab', m, file, keys: m.keylog ? 'no' : '-', args: ['--no-decrypt', ...optionArgs(v.analyze)], expected: [v.expectedCause], opts: vo, why: v.why });
  }
}
if (existsSync(join(CORPUS, 'manifest.json'))) {
  for (const k of known) {
    const file = join(CORPUS, k.file);
    if (existsSync(file)) jobs.push({ kind: 'corpus', file, name: k.file, keys: '-', args: [], expected: k.cause, why: k.why, maxConfidence: k.maxConfidence });
  }
}

let next = 0;
await Promise.all(Array.from({ length: 2 }, async () => {
  while (next < jobs.length) {
    const j = jobs[next++];
    j.got = await analyze(j.file, j.args);
    j.grade = grade(j.expected, j.got, j.keyless, j.maxConfidence);
  }
}));

const esc = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const count = (rows, g) => rows.filter((r) => r.grade === g).length;
const figures = (rows) => `${rows.length} runs: ${count(rows, 'right')} right, ${count(rows, 'weaker')} weaker (unknown, or no-rdp-traffic without high confidence, without keys), ${count(rows, 'wrong')} wrong, ${count(rows, 'too confident')} too confident, **${count(rows, 'confidently wrong')} confidently wrong**`;
const lab = jobs.filter((j) => j.kind === 'lab');
const corpus = jobs.filter((j) => j.kind === 'corpus');
let md = `# Verdict accuracy\n\nGenerated by \`node test/accuracy/accuracy.mjs\` (after \`npm run build\`) from the built CLI (\`bin/rdpdiag analyze --format json\`). Do not edit by hand.\n\n`;
md += 'Every lab capture (`captures/lab/.meta/*.json`: a scenario staged with real software, captured at one vantage point) is analysed with its key log and without it (`--no-decrypt`), with the options the scenario\'s user would give (`analyze` in the entry) and any further variants (`variants`). ';
md += 'The expected verdict is the staged cause, or what this vantage point can honestly show (`SEEN_FROM_HERE` in `test/integration/verdicts/lab.test.ts`, reason given). ';
md += 'Grades: **right**; **weaker** — an honest `unknown` (or, without keys, `no-rdp-traffic` that is not high); **wrong** — another cause at low or medium confidence; **too confident** — the right cause above the confidence the capture allows; **confidently wrong** — another cause with high confidence.\n\n';
md += `## Figures\n\n- Lab: ${figures(lab)}.\n- Public corpus, known outcomes: ${corpus.length ? figures(corpus) : 'corpus not present when generated'}.\n\n`;
md += '## Lab captures\n\n| capture | vantage | keys | options | expected | obtained | confidence | grade |\n|---|---|---|---|---|---|---|---|\n';
for (const j of lab) {
  md += `| ${esc(j.m.file.replace(/^lab\//, ''))} | ${j.m.side} | ${j.keys} | ${esc(j.opts)} | ${esc(j.expected.join(' / '))}${j.why && j.expected[0] !== j.m.expectedCause ? ' ¹' : ''} | ${j.got.cause} | ${j.got.confidence} | ${j.grade} |\n`;
}
const notes = lab.filter((j) => j.why && j.expected[0] !== j.m.expectedCause);
if (notes.length) md += '\n¹ expected from this vantage point or with these options, not the staged cause:\n\n' + [...new Map(notes.map((j) => [j.m.file + j.opts, `- ${j.m.file.replace(/^lab\//, '')}${j.opts ? ` (${j.opts})` : ''}: ${j.why}`])).values()].join('\n') + '\n';
md += '\n## Public corpus captures with a known outcome\n\n| capture | expected | obtained | confidence | grade | why expected |\n|---|---|---|---|---|---|\n';
for (const j of corpus) md += `| ${esc(j.name)} | ${esc(j.expected.join(' / '))} | ${j.got.cause} | ${j.got.confidence} | ${j.grade} | ${esc(j.why)} |\n`;
const off = jobs.filter((j) => j.grade !== 'right' && j.grade !== 'weaker');
if (off.length) {
  md += '\n## Not right yet\n\n';
  for (const j of off) md += `- ${esc(j.kind === 'lab' ? j.m.file : j.name)} (${j.kind === 'lab' ? `${j.m.side}, keys ${j.keys}` : 'corpus'}${j.opts ? `, ${esc(j.opts)}` : ''}): expected ${esc(j.expected.join(' / '))}, got ${j.got.cause} (${j.got.confidence}) — ${esc(j.got.summary.slice(0, 240))}\n`;
}
writeFileSync(join(REPO, 'docs', 'accuracy.md'), md);
console.log(`lab: ${figures(lab)}\ncorpus: ${figures(corpus)}`);
if (check && jobs.some((j) => j.grade === 'confidently wrong')) process.exit(1);
