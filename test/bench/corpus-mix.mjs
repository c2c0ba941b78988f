/**
 * The small-packet benchmark capture: `../shared/bench/make-corpus-mix OUT.pcap` (real corpus
 * traffic, ~450 MB, ~3 M packets; needs the Wireshark CLI tools), plus a quarter of it and twice it
 * (`editcap -r` of the first quarter of the packets; `mergecap -a` of the mix and a copy shifted
 * past its end with `editcap -t`) for the flatness check. Built into the bench directory (never the
 * repository) and reused when present. `corpusMix` returns null, with the reason, when the script
 * or a tool is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TOOLS = ['tshark', 'capinfos', 'mergecap', 'editcap', 'tcpdump'];

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status} ${String(r.stderr).slice(0, 300)}`);
}

/** Packets of a capture (capinfos), cached in a sidecar next to it. */
function describe(file) {
  const side = `${file}.json`;
  const bytes = statSync(file).size;
  if (existsSync(side)) {
    const m = JSON.parse(readFileSync(side, 'utf8'));
    if (m.bytes === bytes) return { path: file, ...m };
  }
  const out = spawnSync('capinfos', ['-c', '-M', '-T', '-r', file], { encoding: 'utf8' }).stdout.trim().split('\t');
  const m = { bytes, packets: Number(out[out.length - 1]) };
  writeFileSync(side, JSON.stringify(m) + '\n');
  return { path: file, ...m };
}

export function corpusMix(repo, dir) {
  const script = path.resolve(repo, '..', 'shared', 'bench', 'make-corpus-mix');
  if (!existsSync(script)) return { skip: `${script} not found` };
  const missing = TOOLS.filter((t) => !have(t));
  if (missing.length > 0) return { skip: `Wireshark/tcpdump CLI tools missing: ${missing.join(', ')}` };
  const mix = path.join(dir, 'corpus-mix.pcap');
  if (!existsSync(mix)) {
    process.stdout.write(`building ${mix} (make-corpus-mix)… `);
    run(script, [mix]);
    console.log('done');
  }
  const full = describe(mix);
  const quarter = path.join(dir, 'corpus-mix-quarter.pcap');
  if (!existsSync(quarter)) run('editcap', ['-r', mix, quarter, `1-${Math.floor(full.packets / 4)}`]);
  const double = path.join(dir, 'corpus-mix-double.pcap');
  if (!existsSync(double)) {
    // The mix spans 2022–2040; the copy starts after it (pcap seconds stay below 2^32).
    const shifted = path.join(dir, 'corpus-mix-shifted.pcap');
    run('editcap', ['-t', '600000000', mix, shifted]);
    run('mergecap', ['-a', '-F', 'pcap', '-w', double, mix, shifted]);
    spawnSync('rm', ['-f', shifted]);
  }
  return { mix: full, quarter: describe(quarter), double: describe(double) };
}
