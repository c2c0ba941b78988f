#!/usr/bin/env node
// Builds captures/manifest.json and captures/MANIFEST.md from captures/lab/.meta/*.json,
// computing whatItShows for every capture with tshark (summarize.mjs).
import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
const execFileP = promisify(execFile);
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const caps = join(here, '../../captures');
const metaDir = join(caps, 'lab/.meta');
const ver = (pkg) => { try { return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }); } catch { return 'not installed'; } };
const software = {
  xrdp: ver('xrdp'), xfreerdp: ver('freerdp2-x11'), 'freerdp-shadow-cli': ver('freerdp2-shadow-x11'), openssl: ver('openssl'),
  'krb5-kdc': ver('krb5-kdc'), 'krb5-user': ver('krb5-user'), 'nginx-light': ver('nginx-light'), faketime: ver('faketime'),
  tcpdump: ver('tcpdump'), tshark: ver('tshark'), iptables: ver('iptables'), kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
};
const metas = [];
for (const f of readdirSync(metaDir).filter((x) => x.endsWith('.json')).sort()) {
  const m = JSON.parse(readFileSync(join(metaDir, f), 'utf8'));
  const pc = join(caps, m.file);
  if (!existsSync(pc)) { console.error(`missing ${pc}`); continue; }
  metas.push([f, m, pc]);
}
// tshark summaries, cached per capture (recomputed when the capture or key log is newer), 8 in parallel
async function summarise([f, m, pc]) {
  const cache = join(metaDir, f.replace(/\.json$/, '.summary'));
  const kl = m.keylog ? join(caps, m.keylog) : null;
  const newest = Math.max(statSync(pc).mtimeMs, kl && existsSync(kl) ? statSync(kl).mtimeMs : 0, statSync(join(here, 'summarize.mjs')).mtimeMs);
  if (existsSync(cache) && statSync(cache).mtimeMs >= newest) return readFileSync(cache, 'utf8').trim();
  const args = [join(here, 'summarize.mjs'), pc];
  if (kl) args.push(kl);
  const { stdout } = await execFileP('node', args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  writeFileSync(cache, stdout);
  return stdout.trim();
}
const summaries = new Array(metas.length);
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < metas.length) { const i = next++; summaries[i] = await summarise(metas[i]); }
}));
const entries = metas.map(([, m, pc], i) => {
  m.whatItShows = `${m.note} || tshark: ${summaries[i]}`;
  m.bytes = statSync(pc).size;
  m.software = software;
  return m;
});
const order = ['healthy'];
entries.sort((a, b) => (a.expectedCause === 'healthy' ? 0 : 1) - (b.expectedCause === 'healthy' ? 0 : 1) || a.file.localeCompare(b.file));
const notProduced = [
  { cause: 'gateway-target-unreachable', reason: 'Needs a real RD Gateway (MS-TSGU) that accepts the HTTP/WebSocket upgrade, runs the RDG handshake/tunnel/channel-create exchange and then reports that the target host is unreachable. The nginx stand-in can only answer HTTP status codes; xfreerdp stops at the HTTP response, so no tunnel-level error can be produced with the software here.' },
  { cause: 'credssp-auth-failure (with TSRequest errorCode)', reason: 'freerdp-shadow-cli (FreeRDP 2.11) never sends a TSRequest errorCode on NTLM failure; it closes the TLS session (close_notify + FIN). The captures show that real behaviour; a Windows-style errorCode (e.g. 0xC000006D) is not produced.' },
  { cause: 'rdp-negotiation-failure from xrdp', reason: 'xrdp 0.9.21 does not send RDP_NEG_FAILURE in the tried configurations (it selects PROTOCOL_RDP, or answers a legacy CR with a bare CC then an MCS Disconnect Provider Ultimatum). RDP_NEG_FAILURE PDUs come from freerdp-shadow-cli (failureCode 5 HYBRID_REQUIRED_BY_SERVER, and the /sec:rdp variant).' },
  { cause: 'kerberos-* inside an RDP (NLA) connection', reason: 'Debian FreeRDP 2.11 is built WITH_GSSAPI=OFF, so xfreerdp NLA uses NTLM only. Kerberos captures are produced with MIT kinit against krb5kdc (AS exchange over UDP/TCP 88), not by an RDP client.' },
  { cause: 'ip-fragment-loss on RDP UDP transport', reason: 'xrdp 0.9 has no MS-RDPEMT UDP transport and xfreerdp only uses UDP when the server offers it, so fragmentation is demonstrated with large Kerberos UDP replies instead.' },
  { cause: 'server-denied via xrdp/sesman', reason: 'Not attempted with xrdp (would need xrdp-sesman + PAM + a session backend); produced with freerdp-shadow-cli +auth instead. Neither sends a Set Error Info PDU: the shadow server just closes TLS/TCP.' },
  { cause: 'latency / delay scenarios', reason: 'The kernel has no sch_netem; an NFQUEUE delay helper was not built in the time available (libnetfilter-queue-dev is installed).' },
];
writeFileSync(join(caps, 'manifest.json'), JSON.stringify({
  generatedBy: 'test/lab/run-all.sh', generatedAt: new Date().toISOString(), software,
  topology: 'client ns 10.77.1.2 (c0) -- router ns 10.77.1.1 (r-c) / 10.77.2.1 (r-s) / 10.77.3.1 (r-g) -- server ns 10.77.2.2 (s0); gw ns 10.77.3.2 (g0). Captures taken with tcpdump on c0 (client side), s0 (server side) or g0 (gateway side).',
  notProduced,
  captures: entries,
}, null, 2) + '\n');
const esc = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
let md = `# Lab captures\n\nGenerated by \`npm run lab\` (\`test/lab/run-all.sh\`); see \`test/lab/README.md\` for the topology.\nAll traffic is between private network namespaces (10.77.0.0/16). Software: ${Object.entries(software).map(([k, v]) => `${k} ${v}`).join(', ')}.\n\n`;
md += '| file | side | expected cause | key log | client result | what it shows (note) |\n|---|---|---|---|---|---|\n';
for (const e of entries) md += `| ${esc(e.file)} | ${e.side} | ${e.expectedCause} | ${e.keylog ? 'yes' : '-'} | ${esc(e.clientError)} | ${esc(e.note)} |\n`;
md += '\n## Not produced\n\n' + notProduced.map((n) => `* **${n.cause}**: ${n.reason}`).join('\n') + '\n';
md += '\nFull frame-level notes (tshark-derived) are in `manifest.json` (`whatItShows`).\n';
writeFileSync(join(caps, 'MANIFEST.md'), md);
console.log(`manifest: ${entries.length} captures`);
