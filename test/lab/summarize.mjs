#!/usr/bin/env node
// Summarise what a lab capture actually shows, using tshark (ground truth notes).
// usage: node summarize.mjs FILE.pcapng [KEYLOG]
// Prints one line of text.  Frame numbers are 1-based tshark frame numbers.
import { execFileSync } from 'node:child_process';

const [file, keylog] = process.argv.slice(2);
const SEP = '\u0001';

// One tshark run per decode mode dumps every field we need for every frame;
// the per-topic queries below are evaluated in JS (filters are JS predicates).
const FIELDS = ['frame.number', 'frame.time_relative', 'frame.len', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'ip.ttl', 'tcp.seq', 'tcp.len',
  'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.reset', 'tcp.flags.fin', 'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.keep_alive',
  'icmp.type', 'icmp.code', 'icmp.mtu', 'ip.flags.mf', 'ip.frag_offset', 'ip.id', 'ip.fragment.count',
  'rdp.rt_cookie', 'rdp.negReq.requestedProtocols', 'rdp.negReq.selectedProtocol', 'rdp.negFailure.failureCode', 'cotp.type', '_ws.col.Info',
  'tls.handshake.type', 'tls.handshake.version', 'tls.handshake.extensions.supported_version', 'tls.alert_message.level', 'tls.alert_message.desc', 'tls.record.version', 'tls.handshake.ciphersuite',
  'credssp.errorCode', 'credssp.negoToken', 'credssp.pubKeyAuth', 'credssp.authInfo', 'ntlmssp.messagetype',
  'kerberos.msg_type', 'kerberos.error_code', 'udp.srcport', 'http.request.method', 'http.request.uri', 'http.response.code', 'http.response.phrase',
  'frame.protocols'];
const runs = new Map();
function dump(extraArgs) {
  const key = extraArgs.join(' ');
  if (runs.has(key)) return runs.get(key);
  const args = ['-r', file, '-n', ...extraArgs];
  if (keylog) args.push('-o', `tls.keylog_file:${keylog}`);
  args.push('-T', 'fields', '-E', `separator=${SEP}`, '-E', 'occurrence=a', '-E', 'aggregator=,');
  for (const f of FIELDS) args.push('-e', f);
  let out = '';
  try {
    out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', process.env.SUMDEBUG ? 'inherit' : 'ignore'], maxBuffer: 256 << 20 });
  } catch (e) { out = e.stdout || ''; }
  const rows = out.split('\n').filter(Boolean).map((l) => { const v = l.split(SEP); const o = {}; FIELDS.forEach((f, i) => { o[f] = v[i] ?? ''; }); return o; });
  runs.set(key, rows);
  return rows;
}
const has = (o, f) => o[f] !== '' && o[f] !== undefined;
const isIcmp = (o) => /(^|:)icmp(:|$)/.test(o['frame.protocols']);
// tshark(extraArgs, predicate, fields) -> array of arrays (first value of each field)
function tshark(extraArgs, pred, fields) {
  return dump(extraArgs).filter((o) => !pred || pred(o)).map((o) => fields.map((f) => (f === 'ip.src' || f === 'ip.dst' || f === 'ip.ttl' || f.startsWith('tcp.')) ? o[f].split(',')[0] : o[f]));
}
const TLSD = ['-d', 'tcp.port==3389,tls', '-o', 'tcp.reassemble_out_of_order:TRUE'];
const parts = [];
const lim = (arr, n, fmt) => {
  const s = arr.slice(0, n).map(fmt).join('; ');
  return arr.length > n ? `${s}; (+${arr.length - n} more)` : s;
};

// --- basics
const all = tshark([], null, ['frame.number', 'frame.time_relative', 'frame.len']);
const dur = all.length ? Number(all[all.length - 1][1]).toFixed(2) : '0';
const maxLen = all.reduce((m, r) => Math.max(m, Number(r[2])), 0);
parts.push(`${all.length} frames over ${dur}s, largest frame ${maxLen} bytes`);
{ // last frame seen from each IPv4 source (useful for path-lost / blackhole timing)
  const last = new Map();
  for (const o of dump([])) if (o['ip.src']) last.set(o['ip.src'].split(',')[0], [o['frame.number'], Number(o['frame.time_relative']).toFixed(2)]);
  if (last.size) parts.push(`last frame per source: ${[...last].map(([ip, [n, t]]) => `${ip} frame ${n} t=${t}s`).join('; ')}`);
}

// --- TCP handshake / teardown
const tcpf = ['frame.number', 'frame.time_relative', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'ip.ttl', 'tcp.seq', 'tcp.len'];
const syn = tshark([], (o) => !isIcmp(o) && o['tcp.flags.syn'].startsWith('1') && o['tcp.flags.ack'].startsWith('0'), tcpf);
if (syn.length) parts.push(`SYN: ${lim(syn, 4, (r) => `frame ${r[0]} t=${Number(r[1]).toFixed(2)}s ${r[2]}:${r[4]}->${r[3]}:${r[5]} TTL ${r[6]}`)}`);
const synack = tshark([], (o) => !isIcmp(o) && o['tcp.flags.syn'].startsWith('1') && o['tcp.flags.ack'].startsWith('1'), tcpf);
if (syn.length || synack.length) parts.push(synack.length ? `SYN-ACK: ${lim(synack, 3, (r) => `frame ${r[0]} from ${r[2]}:${r[4]} TTL ${r[6]}`)}` : 'no SYN-ACK');
const rst = tshark([], (o) => !isIcmp(o) && o['tcp.flags.reset'].startsWith('1'), tcpf);
if (rst.length) parts.push(`RST: ${lim(rst, 5, (r) => `frame ${r[0]} t=${Number(r[1]).toFixed(3)}s ${r[2]}:${r[4]}->${r[3]}:${r[5]} TTL ${r[6]}`)}`);
const fin = tshark([], (o) => !isIcmp(o) && o['tcp.flags.fin'].startsWith('1'), tcpf);
if (fin.length) parts.push(`FIN: ${lim(fin, 3, (r) => `frame ${r[0]} from ${r[2]}`)}`);
const retr = tshark([], (o) => !isIcmp(o) && (has(o, 'tcp.analysis.retransmission') || has(o, 'tcp.analysis.fast_retransmission')), tcpf);
if (retr.length) parts.push(`${retr.length} TCP retransmissions (${lim(retr, 4, (r) => `frame ${r[0]} from ${r[2]} len ${r[8]}`)})`);
const ka = tshark([], (o) => has(o, 'tcp.analysis.keep_alive'), tcpf);
if (ka.length) parts.push(`${ka.length} TCP keep-alives (first frame ${ka[0][0]} from ${ka[0][2]})`);

// --- ICMP
const icmp = tshark([], (o) => has(o, 'icmp.type'), ['frame.number', 'ip.src', 'ip.dst', 'icmp.type', 'icmp.code', 'ip.ttl', 'icmp.mtu']);
if (icmp.length) parts.push(`ICMP: ${lim(icmp, 5, (r) => `frame ${r[0]} ${r[1].split(',')[0]}->${r[2].split(',')[0]} type ${r[3]} code ${r[4]}${r[6] ? ` mtu ${r[6]}` : ''} TTL ${r[5].split(',')[0]}`)}`);

// --- IP fragments
const frags = tshark([], (o) => o['ip.flags.mf'].split(',')[0] === '1' || Number(o['ip.frag_offset'].split(',')[0] || 0) > 0, ['frame.number', 'ip.src', 'ip.id', 'ip.frag_offset', 'ip.flags.mf']);
if (frags.length) {
  const reasm = [];
  const first = frags.filter((r) => r[3] === '0').length;
  parts.push(`IP fragments: ${frags.length} fragment frames (${first} first-fragments, ${frags.length - first} non-first) from ${[...new Set(frags.map((r) => r[1]))].join(',')}; reassembled datagrams: ${tshark([], (o) => has(o, 'ip.fragment.count'), ['frame.number']).map((r) => r[0]).join(',') || 'none'}`);
}

// --- RDP negotiation (X.224)
const cotpName = { 14: 'X.224 CR', 13: 'X.224 CC', 8: 'X.224 DR', 7: 'X.224 ER' };
const x224 = tshark([], (o) => !isIcmp(o) && [14, 13, 8, 7].includes(Number(o['cotp.type'].split(',')[0])), ['frame.number', 'ip.src', 'rdp.rt_cookie', 'rdp.negReq.requestedProtocols', 'rdp.negReq.selectedProtocol', 'rdp.negFailure.failureCode', 'cotp.type', '_ws.col.Info']);
if (x224.length) parts.push(`RDP/X.224: ${lim(x224, 4, (r) => `frame ${r[0]} from ${r[1]} ${cotpName[Number(r[6].split(',')[0])]} "${r[7].trim().slice(0, 60)}"${r[3] ? ` requestedProtocols=${r[3]}` : ''}${r[4] ? ` selectedProtocol=${r[4]}` : ''}${r[5] ? ` failureCode=${r[5]}` : ''}`)}`);

// --- TLS handshake (3389 forced to TLS so the records are dissected)
const tls = tshark(TLSD, (o) => !isIcmp(o) && (has(o, 'tls.handshake.type') || has(o, 'tls.alert_message.desc')), ['frame.number', 'ip.src', 'tls.handshake.type', 'tls.handshake.version', 'tls.handshake.extensions.supported_version', 'tls.alert_message.level', 'tls.alert_message.desc', 'tls.record.version', 'tls.handshake.ciphersuite']);
const hsName = { 1: 'ClientHello', 2: 'ServerHello', 4: 'NewSessionTicket', 8: 'EncryptedExtensions', 11: 'Certificate', 12: 'ServerKeyExchange', 13: 'CertificateRequest', 14: 'ServerHelloDone', 15: 'CertificateVerify', 16: 'ClientKeyExchange', 20: 'Finished' };
const verName = (v) => ({ '0x0301': 'TLS1.0', '0x0302': 'TLS1.1', '0x0303': 'TLS1.2', '0x0304': 'TLS1.3' }[v] || v);
const alertDesc = { 0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 40: 'handshake_failure', 42: 'bad_certificate', 46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 50: 'decode_error', 51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error', 86: 'inappropriate_fallback', 90: 'user_canceled', 109: 'missing_extension', 112: 'unrecognized_name', 116: 'certificate_required', 120: 'no_application_protocol' };
const tlsNotes = [];
for (const r of tls) {
  if (r[2]) {
    const types = r[2].split(',').map((t) => hsName[t] || `hs${t}`);
    let extra = '';
    if (types.includes('ClientHello')) extra = ` (legacy_version ${verName(r[3].split(',')[0])}${r[4] ? `, supported_versions ${r[4].split(',').map(verName).join('/')}` : ''})`;
    if (types.includes('ServerHello')) {
      const sv = r[4] ? verName(r[4].split(',')[0]) : verName(r[3].split(',')[r[2].split(',').indexOf('2')] || r[3].split(',')[0]);
      extra = ` (selected ${sv}, cipher ${r[8]})`;
    }
    tlsNotes.push(`frame ${r[0]} ${r[1]} ${types.join('+')}${extra}`);
  }
  if (r[6]) tlsNotes.push(`frame ${r[0]} ${r[1]} Alert level ${r[5]} ${r[6].split(',').map((d) => `${d} ${alertDesc[d] || ''}`.trim()).join(',')}`);
}
if (tlsNotes.length) parts.push(`TLS: ${lim(tlsNotes, 9, (x) => x)}`);

// --- RDP inside TLS / key milestones (needs key log for TLS sessions)
const info = tshark(TLSD, (o) => /:(rdp|t125|credssp|http)/.test(o['frame.protocols']), ['frame.number', 'ip.src', '_ws.col.Info', 'credssp.errorCode']);
const mile = [];
const want = [/ClientData/, /ServerData/, /Demand Active/, /Confirm Active/, /Set Error Info|SetErrorInfo|errorInfo/i, /Disconnect|disconnectProviderUltimatum/i, /License/];
const seen = new Set();
for (const r of info) {
  for (const w of want) {
    if (w.test(r[2]) && !seen.has(String(w) + r[2])) { seen.add(String(w) + r[2]); mile.push(`frame ${r[0]} ${r[1]} ${r[2].trim().slice(0, 60)}`); break; }
  }
}
if (mile.length) parts.push(`RDP milestones: ${lim(mile, 8, (x) => x)}`);
const cred = tshark(TLSD, (o) => /:credssp/.test(o['frame.protocols']), ['frame.number', 'ip.src', 'credssp.errorCode', 'credssp.negoToken', 'credssp.pubKeyAuth', 'credssp.authInfo', 'ntlmssp.messagetype']);
if (cred.length) parts.push(`CredSSP TSRequests: ${lim(cred, 6, (r) => `frame ${r[0]} from ${r[1]}${r[6] ? ` NTLM msg ${r[6]}` : ''}${r[4] ? ' pubKeyAuth' : ''}${r[5] ? ' authInfo' : ''}${r[2] ? ` errorCode=${r[2]}` : ''}`)}`);

// --- Kerberos
const krb = tshark([], (o) => has(o, 'kerberos.msg_type'), ['frame.number', 'ip.src', 'kerberos.msg_type', 'kerberos.error_code', 'frame.protocols', 'udp.srcport', 'tcp.srcport']);
const krbName = { 10: 'AS-REQ', 11: 'AS-REP', 12: 'TGS-REQ', 13: 'TGS-REP', 30: 'KRB-ERROR' };
if (krb.length) parts.push(`Kerberos: ${lim(krb, 6, (r) => `frame ${r[0]} ${r[1]} ${r[5] ? 'UDP' : 'TCP'} ${r[2].split(',').map((t) => krbName[t] || t).join('+')}${r[3] ? ` error-code ${r[3]}` : ''}`)}`);

// --- HTTP (decrypted if a key log is available)
const http = tshark([], (o) => has(o, 'http.request.method') || has(o, 'http.response.code'), ['frame.number', 'ip.src', 'http.request.method', 'http.request.uri', 'http.response.code', 'http.response.phrase']);
if (http.length) parts.push(`HTTP: ${lim(http, 6, (r) => `frame ${r[0]} ${r[1]} ${r[2] ? `${r[2]} ${r[3]}` : `${r[4]} ${r[5]}`}`)}`);

// --- RD Gateway (MS-TSGU) HTTP requests use methods tshark does not parse (RDG_OUT_DATA...): read the decrypted bytes
if (keylog && dump([]).some((o) => o['tcp.dstport'] === '443' || o['tcp.srcport'] === '443')) {
  let x = '';
  try { x = execFileSync('tshark', ['-r', file, '-n', '-o', `tls.keylog_file:${keylog}`, '-x', '-Y', 'tls.app_data'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }); } catch (e) { x = e.stdout || ''; }
  // one frame dump per blank-line separated chunk; the decrypted record follows "Decrypted TLS (n bytes):"
  const lines = [];
  for (const ch of x.split(/\n\n(?=0000 )/)) {
    const m = ch.split(/Decrypted TLS[^\n]*\n/)[1];
    if (!m) continue;
    const first = m.split('\n').map((l) => l.slice(56)).join('').split('..')[0];
    if (/^(RDG_|GET |POST |HTTP\/1)/.test(first)) lines.push(first.trim());
  }
  if (lines.length) parts.push(`Decrypted HTTP lines: ${lim(lines, 6, (l) => l)}`);
}

process.stdout.write(parts.join(' | ') + '\n');
