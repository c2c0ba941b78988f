/**
 * Operational errors of live capture: the messages libpcap really gives (recorded from
 * libpcap 1.10.3 on Linux) mapped to codes, a real missing-module run and a real
 * unprivileged run (child processes over a transpiled copy of the sources).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { classifyOpenError, linkTypeFromName, LIVE_INSTALL_HINT } from '../../../src/capture/live.js';
import { ErrorCode } from '../../../src/core/errors.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('classifyOpenError (libpcap 1.10.3 messages)', () => {
  it('permission → LIVE_PERMISSION with the fix', () => {
    const e = classifyOpenError('socket: Operation not permitted', 'eth0', 'tcp port 3389');
    expect(e.code).toBe(ErrorCode.LIVE_PERMISSION);
    expect(e.message).toContain('sudo');
    expect(e.message).toContain('setcap cap_net_raw,cap_net_admin=eip $(which node)');
    const e2 = classifyOpenError("You don't have permission to capture on that device (socket: Operation not permitted)", 'eth0', undefined);
    expect(e2.code).toBe(ErrorCode.LIVE_PERMISSION);
  });
  it('missing device → LIVE_FAILED naming the device', () => {
    const e = classifyOpenError('No such device exists', 'eth9', 'tcp');
    expect(e.code).toBe(ErrorCode.LIVE_FAILED);
    expect(e.message).toContain('"eth9"');
    expect(e.message).not.toContain('filter');
  });
  it('filter errors → LIVE_FAILED naming the filter', () => {
    for (const [msg, filter] of [
      ["can't parse filter expression: syntax error", 'tcp port 3389 and'],
      ["unknown host 'nosuchhost.invalid'", 'host nosuchhost.invalid'],
      ['illegal port number 99999 > 65535', 'port 99999'],
    ] as const) {
      const e = classifyOpenError(msg, 'eth0', filter);
      expect(e.code).toBe(ErrorCode.LIVE_FAILED);
      expect(e.message).toContain(`"${filter}"`);
      expect(e.message).toContain(msg);
    }
  });
});

describe('linkTypeFromName', () => {
  it('maps node_pcap names and unknown DLTs to LINKTYPE numbers', () => {
    expect(linkTypeFromName('LINKTYPE_ETHERNET')).toBe(1);
    expect(linkTypeFromName('LINKTYPE_NULL')).toBe(0);
    expect(linkTypeFromName('LINKTYPE_RAW')).toBe(101);
    expect(linkTypeFromName('LINKTYPE_LINUX_SLL')).toBe(113);
    expect(linkTypeFromName('LINKTYPE_IEEE802_11_RADIO')).toBe(127);
    expect(linkTypeFromName('Unknown linktype 276')).toBe(276);
    expect(linkTypeFromName('Unknown linktype 12')).toBe(101);
    expect(linkTypeFromName('garbage')).toBe(-1);
  });
  it('install hint names the packages and allowScripts', () => {
    expect(LIVE_INSTALL_HINT).toContain('apt-get install libpcap-dev build-essential python3');
    expect(LIVE_INSTALL_HINT).toContain('npm install pcap');
    expect(LIVE_INSTALL_HINT).toContain('allowScripts');
  });
});

/** Transpiles the few sources live capture needs into a scratch ESM tree (no node_modules). */
function buildScratch(dir: string): void {
  for (const rel of ['capture/live.ts', 'capture/interfaces.ts', 'capture/frame.ts', 'capture/source.ts', 'core/errors.ts', 'core/time.ts', 'core/issues.ts']) {
    const src = readFileSync(join(ROOT, 'src', rel), 'utf8');
    const out = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dest = join(dir, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, out);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
}

const PROBE = `
const [what, dev] = process.argv.slice(1);
const m = what === 'list' ? await import('./capture/interfaces.js') : await import('./capture/live.js');
try {
  if (what === 'list') await m.listInterfaces(); else await m.openLive({ device: dev });
  console.log(JSON.stringify({ ok: true }));
} catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
process.exit(0);
`;

function probe(dir: string, args: string[], asNobody = false): { code?: string; message?: string; ok?: boolean } {
  const node = process.execPath;
  const cmd = asNobody ? 'setpriv' : node;
  const argv = [...(asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', node] : []), '--input-type=module', '-e', PROBE, '--', ...args];
  const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`probe output: ${r.stdout} ${r.stderr}`);
  }
}

describe('in a child process over the real sources', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rdpdiag-live-'));
    chmodSync(dir, 0o755);
    buildScratch(dir);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without node_pcap installed: LIVE_UNAVAILABLE saying what to install (openLive and listInterfaces)', () => {
    for (const args of [['open', 'lo'], ['list']]) {
      const r = probe(dir, args);
      expect(r.code).toBe(ErrorCode.LIVE_UNAVAILABLE);
      expect(r.message).toContain('apt-get install libpcap-dev build-essential python3');
      expect(r.message).toContain('npm install pcap');
    }
  });

  const canDrop =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    existsSync('/usr/bin/setpriv') &&
    existsSync(join(ROOT, 'node_modules/pcap/build/Release/pcap_binding.node'));
  it.skipIf(!canDrop)('as an unprivileged user (uid 65534): LIVE_PERMISSION with sudo/setcap', () => {
    const linked = join(dir, 'node_modules');
    if (!existsSync(linked)) symlinkSync(join(ROOT, 'node_modules'), linked);
    const r = probe(dir, ['open', 'lo'], true);
    expect(r.code).toBe(ErrorCode.LIVE_PERMISSION);
    expect(r.message).toContain('setcap cap_net_raw,cap_net_admin=eip');
    rmSync(linked);
  });
});
