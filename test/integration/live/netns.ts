/**
 * A throw-away lab for the live capture tests: two network namespaces (client A, server B),
 * each joined by a veth pair to a bridge in the root namespace. Addresses (10.99.1.0/24)
 * exist only inside the namespaces; the root-namespace ends carry none (IPv6 disabled on
 * them), so the test process can capture on the root end of A's veth without a child process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Lab {
  nsA: string;
  nsB: string;
  bridge: string;
  /** Root-namespace end of the client's veth: the capture device. */
  capDev: string;
  aRoot: string;
  bRoot: string;
  aNs: string;
  bNs: string;
  ipA: string;
  ipB: string;
}

function sh(cmd: string, args: string[], allowFail = false): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (!allowFail && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  }
  return r.stdout;
}

/** Why the live tests cannot run here, or null when they can. */
export function labUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'live capture tests need Linux network namespaces';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'live capture tests need root (uid 0)';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return '`ip netns` is unavailable (iproute2 missing or no namespace support)';
  return null;
}

export function createLab(): Lab {
  const id = (process.pid % 46656).toString(36).padStart(3, '0');
  const lab: Lab = {
    nsA: `rdpdiag-live-${id}-a`,
    nsB: `rdpdiag-live-${id}-b`,
    bridge: `rlv${id}br`,
    capDev: `rlv${id}a0`,
    aRoot: `rlv${id}a0`,
    bRoot: `rlv${id}b0`,
    aNs: `rlv${id}a1`,
    bNs: `rlv${id}b1`,
    ipA: '10.99.1.1',
    ipB: '10.99.1.2',
  };
  destroyLab(lab); // leftovers from a killed run with the same pid
  sh('ip', ['netns', 'add', lab.nsA]);
  sh('ip', ['netns', 'add', lab.nsB]);
  sh('ip', ['link', 'add', lab.bridge, 'type', 'bridge']);
  sh('ip', ['link', 'add', lab.aRoot, 'type', 'veth', 'peer', 'name', lab.aNs, 'netns', lab.nsA]);
  sh('ip', ['link', 'add', lab.bRoot, 'type', 'veth', 'peer', 'name', lab.bNs, 'netns', lab.nsB]);
  for (const dev of [lab.bridge, lab.aRoot, lab.bRoot]) {
    sh('ip', ['link', 'set', 'dev', dev, 'addrgenmode', 'none'], true);
    sh('sysctl', ['-q', '-w', `net.ipv6.conf.${dev}.disable_ipv6=1`], true);
  }
  sh('ip', ['link', 'set', lab.aRoot, 'master', lab.bridge]);
  sh('ip', ['link', 'set', lab.bRoot, 'master', lab.bridge]);
  for (const dev of [lab.bridge, lab.aRoot, lab.bRoot]) sh('ip', ['link', 'set', dev, 'up']);
  for (const [ns, dev, ip] of [
    [lab.nsA, lab.aNs, lab.ipA],
    [lab.nsB, lab.bNs, lab.ipB],
  ] as const) {
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', dev]);
    sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
  }
  // Wait until A reaches B across the bridge. The probe is a TCP connection between two node
  // processes, not `ping`: iputils-ping is not installed on these machines (nor by .ci/run), and
  // `ip netns exec ping` then fails every time, which read as "no connectivity".
  const probe = spawn('ip', ['netns', 'exec', lab.nsB, process.execPath, '-e', PROBE_SERVER, '--', lab.ipB], {
    stdio: 'ignore',
  });
  let lastErr = '';
  try {
    for (let i = 0; i < 50; i++) {
      const r = spawnSync('ip', ['netns', 'exec', lab.nsA, process.execPath, '-e', PROBE_CLIENT, '--', lab.ipB], {
        encoding: 'utf8',
        timeout: 5_000,
      });
      if (r.status === 0 && r.stdout.trim() === 'pong') return lab;
      lastErr = (r.stderr || r.stdout || String(r.error ?? '')).trim().slice(0, 300);
      spawnSync('sleep', ['0.1']);
    }
  } finally {
    probe.kill('SIGKILL');
  }
  destroyLab(lab);
  throw new Error(`netns lab: no TCP connectivity from ${lab.nsA} (${lab.ipA}) to ${lab.nsB} (${lab.ipB}:${PROBE_PORT}): ${lastErr}`);
}

const PROBE_PORT = 33899;
/** Answers "pong" to every connection on PROBE_PORT; killed once the lab is up. */
const PROBE_SERVER = `
require('node:net').createServer((s) => { s.on('error', () => {}); s.end('pong'); })
  .listen(${PROBE_PORT}, process.argv[1]);
`;
/** Exit 0 after reading "pong" from the probe server, 1 on error or after 1 s. */
const PROBE_CLIENT = `
const s = require('node:net').connect(${PROBE_PORT}, process.argv[1]);
let a = '';
s.on('data', (d) => (a += d));
s.on('end', () => { process.stdout.write(a); process.exit(a === 'pong' ? 0 : 1); });
s.on('error', (e) => { process.stderr.write(e.message); process.exit(1); });
setTimeout(() => { process.stderr.write('timeout'); process.exit(1); }, 1000).unref();
`;

export function destroyLab(lab: Lab): void {
  for (const dev of [lab.aRoot, lab.bRoot, lab.bridge]) sh('ip', ['link', 'del', dev], true);
  sh('ip', ['netns', 'del', lab.nsA], true);
  sh('ip', ['netns', 'del', lab.nsB], true);
}

/** Counter of the root-namespace device (e.g. rx_packets). */
export function devStat(dev: string, name: string): number {
  return Number(readFileSync(`/sys/class/net/${dev}/statistics/${name}`, 'utf8').trim());
}

/** Starts `node -e script` inside a namespace and resolves once it printed `ready`. */
export function startInNs(ns: string, script: string, args: string[]): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => reject(new Error(`child in ${ns} not ready: ${err}`)), 10_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`child in ${ns} exited (${code}): ${err}`));
    });
  });
}

/** Runs `node -e script` inside a namespace to completion; resolves with its stdout. */
export function runInNs(ns: string, script: string, args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script, '--', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child in ${ns} timed out: ${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(t);
      if (code === 0) resolve(out);
      else reject(new Error(`child in ${ns} exited (${code}): ${err}`));
    });
  });
}

/** TCP server: for every connection, read `size` bytes, answer "ok", close. Ports from argv. */
export const SERVER_SCRIPT = `
const net = require('node:net');
const [host, size, ...ports] = process.argv.slice(1);
let pending = ports.length;
for (const port of ports) {
  net.createServer((s) => {
    let got = 0;
    s.on('data', (d) => { got += d.length; if (got >= Number(size)) s.end('ok'); });
    s.on('error', () => {});
  }).listen(Number(port), host, () => { if (--pending === 0) process.stdout.write('ready\\n'); });
}
`;

/** TCP client: n sequential connections to host:port, each sending size bytes and awaiting "ok". */
export const CLIENT_SCRIPT = `
const net = require('node:net');
const [host, port, n, size] = process.argv.slice(1);
const payload = Buffer.alloc(Number(size), 0x41);
(async () => {
  let done = 0;
  for (let i = 0; i < Number(n); i++) {
    await new Promise((resolve, reject) => {
      const s = net.connect(Number(port), host, () => s.write(payload));
      let answer = '';
      s.on('data', (d) => (answer += d));
      s.on('end', () => { if (answer === 'ok') done++; s.end(); });
      s.on('close', resolve);
      s.on('error', reject);
    });
  }
  process.stdout.write(JSON.stringify({ done }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** UDP sender: n datagrams of size bytes to host:port, paced so the sender itself never drops. */
export const UDP_SCRIPT = `
const dgram = require('node:dgram');
const [host, port, n, size] = process.argv.slice(1);
const s = dgram.createSocket('udp4');
const buf = Buffer.alloc(Number(size), 0x55);
let sent = 0;
function burst() {
  let inFlight = 0;
  for (let i = 0; i < 500 && sent < Number(n); i++, sent++) {
    inFlight++;
    s.send(buf, Number(port), host, () => { if (--inFlight === 0) next(); });
  }
  if (inFlight === 0) next();
}
function next() {
  if (sent < Number(n)) setImmediate(burst);
  else s.close(() => process.stdout.write(JSON.stringify({ sent }) + '\\n'));
}
burst();
`;
