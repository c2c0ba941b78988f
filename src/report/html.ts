/**
 * HTML rendering: one self-contained page (inline CSS and SVG, no script, no external request;
 * a Content-Security-Policy forbids any) with the verdict first, an SVG ladder per attempt
 * (client | path | server, an arrow per handshake step with frame and time, the failure point
 * marked, who closed and how) and a timeline of the attempts around the failure moment.
 * Every string is escaped: capture contents are hostile input. Words from messages.ts.
 */
import { formatDuration } from '../core/time.js';
import { attemptLadders, isoToEpoch, isLadderConnection, type AttemptLadder, type Column, type LadderStep } from './ladder.js';
import {
  CONNECTION_COLUMNS, HEADINGS, LABELS, TIMELINE_NOTE, aggregateRows, alternativeText, attemptText, captureFacts, captureProblems, clientErrorText,
  damageNote, endLabel, evidenceKind, failureMomentText, findingHeadline, ladderHeader, phaseDetail, verdictTitle, verdictWhere, warningText, warningsNotListed,
} from './messages.js';
import { decodeAsText } from '../findings/filters.js';
import type { ConnectionReport, Report } from './model.js';
import { orderWarnings, pickShown } from './terminal.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Escapes text for HTML element content and attribute values (also valid inside inline SVG). */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'))
    // Control characters are not allowed in HTML text; show them as the replacement character.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bad:#b42318;--ok:#1a7f37;--warn:#9a6700;--path:#6f42c1;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid var(--line);padding-bottom:3px}h3{font-size:15px;margin:16px 0 6px}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
code{background:var(--bg2);padding:1px 4px;border-radius:4px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}th{background:var(--bg2)}
.verdict{border-left:6px solid var(--bad);padding:10px 14px;background:#fff5f5;border-radius:4px}
.verdict.ok{border-color:var(--ok);background:#f0fff4}.verdict.unknown{border-color:var(--warn);background:#fffbea}
.conf{display:inline-block;padding:1px 8px;border-radius:10px;background:var(--fg);color:#fff;font-size:12px;vertical-align:middle}
.damage{border:2px solid var(--warn);background:#fffbea;padding:8px 12px;border-radius:4px;margin:12px 0}
.kind-inferred{color:var(--warn)}.kind-documented{color:var(--ok)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
figure.attempt{margin:12px 0;border:1px solid var(--line);border-radius:6px;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11px;fill:var(--fg)}
svg .col{font-weight:700;font-size:12px}svg .life{stroke:#8c959f;stroke-dasharray:4 3}
svg .arrow{stroke:#24292f;stroke-width:1.4}svg .step.failure .arrow{stroke:var(--bad);stroke-width:2.4}svg .step.failure text{fill:var(--bad);font-weight:700}
svg .step.evidence .arrow{stroke:var(--warn);stroke-width:2}svg .step.from-path .arrow{stroke:var(--path)}svg .step.from-path text{fill:var(--path)}
svg .conn-head{font-weight:700;fill:var(--muted)}svg .note{fill:var(--muted);font-style:italic}
svg .bar{fill:#8c959f}svg .bar.failed{fill:var(--bad)}svg .bar.ok{fill:var(--ok)}svg .moment{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:5 3}
.small{color:var(--muted);font-size:12px}
footer{margin-top:28px;color:var(--muted);font-size:12px}
@media print{body{max-width:none;padding:0;font-size:10.5pt}h2{break-after:avoid}figure.attempt,table,.verdict,.damage{break-inside:avoid}code{background:none;padding:0}.verdict,.damage{background:none}a{color:inherit;text-decoration:none}}
`;

export function renderHtml(r: Report, opts: { all?: boolean } = {}): string {
  const v = r['verdict'] as Any | undefined;
  const b: string[] = [];
  const title = v ? `rdpdiag: ${verdictTitle(v)}` : 'rdpdiag report';
  b.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">');
  b.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  b.push('<meta name="viewport" content="width=device-width, initial-scale=1">', `<title>${esc(title)}</title>`, `<style>${CSS}</style></head><body>`);
  b.push(...verdictBlock(r, v));
  b.push(...attemptsBlock(r, v));
  b.push(...captureBlock(r, opts));
  b.push(`<footer>${esc(LABELS.generatedBy(r.tool.version))} · ${esc(r.schema)}</footer>`, '</body></html>', '');
  return b.join('\n');
}

function verdictBlock(r: Report, v: Any | undefined): string[] {
  const b: string[] = [];
  if (!v) {
    b.push(`<header id="verdict" class="verdict unknown"><h1>${esc(LABELS.noVerdict)}</h1></header>`);
    return b;
  }
  const cls = v.cause === 'healthy' || v.cause === 'no-rdp-traffic' ? 'ok' : v.cause === 'unknown' ? 'unknown' : 'bad';
  const where = verdictWhere(v);
  b.push(`<header id="verdict" class="verdict ${cls}" data-cause="${esc(v.cause)}" data-confidence="${esc(v.confidence)}">`);
  b.push(`<h1>${esc(HEADINGS.verdict)}: <span class="cause">${esc(v.cause)}</span> <span class="conf">${esc(LABELS.confidence)} ${esc(v.confidence)}</span></h1>`);
  if (where) b.push(`<div class="small">${esc(where)}</div>`);
  const damage = damageNote(captureProblems(r));
  if (damage) b.push(`<p id="damage" class="damage"><strong>${esc(HEADINGS.damage)}:</strong> ${esc(damage)}</p>`);
  b.push(`<p class="summary">${esc(v.summary)}</p>`);
  if (v.reason) b.push(`<p class="reason">${esc(v.reason)}</p>`);
  b.push('</header>');
  if (v.evidence?.length) {
    b.push(`<section id="evidence"><h2>${esc(HEADINGS.evidence)}</h2><table><thead><tr><th>${esc(LABELS.frame)}</th><th>${esc(LABELS.time)}</th><th>${esc(LABELS.what)}</th><th>${esc(LABELS.kind)}</th><th>${esc(LABELS.finding)}</th></tr></thead><tbody>`);
    for (const e of v.evidence as Any[]) {
      const kind = evidenceKind(e.documented);
      b.push(`<tr data-frame="${esc(e.frame)}"><td class="mono">${esc(e.frame)}</td><td class="mono">${esc(e.at)}</td><td>${esc(e.what)}</td><td class="kind-${kind}">${esc(kind)}</td><td><code>${esc(e.finding)}</code></td></tr>`);
    }
    b.push('</tbody></table></section>');
  }
  if (v.nextSteps?.length) {
    b.push(`<section id="next-steps"><h2>${esc(HEADINGS.nextSteps)}</h2><ol>`);
    for (const s of v.nextSteps as string[]) b.push(`<li>${esc(s)}</li>`);
    b.push('</ol></section>');
  }
  if (v.clientErrors?.length) {
    b.push(`<section id="client-errors"><h2>${esc(HEADINGS.clientErrors)}</h2><ul>`);
    for (const c of v.clientErrors as Any[]) b.push(`<li>${esc(clientErrorText(c))}</li>`);
    b.push('</ul></section>');
  }
  if (v.about0x904) b.push(`<section id="about-0x904"><h2>${esc(HEADINGS.about0x904)}</h2><p>${esc(v.about0x904)}</p></section>`);
  const findings = ((r['findings'] as Any[] | undefined) ?? []).filter((f) => f.severity !== 'info');
  if (findings.length) {
    b.push(`<section id="findings"><h2>${esc(HEADINGS.findings)}</h2><table><thead><tr><th>${esc(LABELS.severity)}</th><th>${esc(LABELS.finding)}</th><th>${esc(LABELS.kind)}</th><th>${esc(LABELS.filter)}</th></tr></thead><tbody>`);
    for (const f of findings.slice(0, 100)) {
      b.push(`<tr><td>${esc(f.severity)}/${esc(f.confidence)}</td><td>${esc(findingHeadline(f))}<div class="small">${esc(f.detail)}</div></td><td class="kind-${evidenceKind(f.documented)}">${esc(evidenceKind(f.documented))}</td><td><code>${esc(f.filter)}</code>${f.decodeAs ? `<div class="small">${esc(decodeAsText(f.decodeAs))}</div>` : ''}</td></tr>`);
    }
    b.push('</tbody></table></section>');
  }
  if (v.alternatives?.length) {
    b.push(`<section id="alternatives"><h2>${esc(HEADINGS.alternatives)}</h2><ul>`);
    for (const a of (v.alternatives as Any[]).slice(0, 5)) b.push(`<li>${esc(alternativeText(a))}</li>`);
    b.push('</ul></section>');
  }
  return b;
}

function attemptsBlock(r: Report, v: Any | undefined): string[] {
  const ladders = attemptLadders(r);
  if (!ladders.length && !v?.attempts?.length) return [];
  const b: string[] = [`<section id="attempts"><h2>${esc(HEADINGS.attempts)}</h2>`];
  const moment = failureMomentText(v?.failureMoment);
  if (moment) b.push(`<p>${esc(moment)}</p>`);
  if (v?.attempts?.length) {
    b.push('<ul>');
    for (const a of v.attempts as Any[]) b.push(`<li>${esc(attemptText(a))}</li>`);
    b.push('</ul>');
  }
  b.push(...timeline(r, ladders, v));
  for (const l of ladders.slice(0, 50)) {
    b.push(`<figure class="attempt" data-attempt="${l.id}"><figcaption>${esc(l.title)}</figcaption>`);
    b.push(ladderSvg(l));
    for (const c of l.connections) b.push(...phaseTable(c));
    b.push('</figure>');
  }
  if (ladders.length > 50) b.push(`<p class="small">… ${ladders.length - 50} more attempts in --format json</p>`);
  b.push('</section>');
  return b;
}

const COL_X: Record<Column, number> = { client: 150, path: 430, server: 710 };
const SVG_W = 860;
const ROW = 30;

function ladderSvg(l: AttemptLadder): string {
  const rows: string[] = [];
  let y = 64;
  const first = l.steps[0]?.ts ?? 0;
  for (const c of l.connections) {
    const x = c as Any;
    rows.push(`<text class="conn-head" x="8" y="${y}"><title>${esc(ladderHeader(c))}</title>${esc(`#${c.id} ${String(x.protocol ?? c.transport)} ${c.client.ip}:${c.client.port} → ${c.server.ip}:${c.server.port}, ${c.start}`)}</text>`);
    rows.push(`<text class="conn-head" x="8" y="${y + 15}">${esc(`ended in ${x.phase ?? '-'}: ${endLabel(x)}`)}</text>`);
    y += ROW + 10;
    for (const s of l.steps.filter((s) => s.connection === c.id)) {
      rows.push(stepSvg(s, y, first));
      y += ROW;
    }
    if (x.closeKind === 'silence' || x.closeKind === 'unanswered' || x.closeKind === 'open') {
      rows.push(`<text class="note" x="${COL_X.path}" y="${y - 8}" text-anchor="middle">${esc(endLabel(x))}</text>`);
      y += ROW - 8;
    }
    y += 10;
  }
  const h = y + 4;
  const c0 = l.connections[0];
  const head = (col: Column, sub: string) =>
    `<text class="col" x="${COL_X[col]}" y="18" text-anchor="middle">${esc(LABELS[col])}</text><text x="${COL_X[col]}" y="34" text-anchor="middle">${esc(sub)}</text>` +
    `<line class="life" x1="${COL_X[col]}" y1="42" x2="${COL_X[col]}" y2="${h - 4}"/>`;
  return [
    `<svg class="ladder" data-attempt="${l.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SVG_W} ${h}" width="${SVG_W}" height="${h}" role="img" aria-label="${esc(l.title)}">`,
    `<defs><marker id="ah${l.id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>`,
    head('client', c0 ? `${c0.client.ip}:${c0.client.port}` : ''),
    head('path', ''),
    head('server', c0 ? `${c0.server.ip}:${c0.server.port}` : ''),
    ...rows.map((r) => r.replace(/MARKER/g, `ah${l.id}`)),
    '</svg>',
  ].join('\n');
}

function stepSvg(s: LadderStep, y: number, t0: number): string {
  const x1 = COL_X[s.from];
  const x2 = COL_X[s.to];
  const cls = ['step', s.failure ? 'failure' : '', s.evidence ? 'evidence' : '', s.from === 'path' ? 'from-path' : '', s.close ? 'close' : ''].filter(Boolean).join(' ');
  const mid = (x1 + x2) / 2;
  const off = `+${formatDuration(Math.max(0, s.ts - t0))}`;
  const label = `${s.label}${s.failure ? ` ✗ ${LABELS.failurePoint}` : s.evidence ? ` (${LABELS.evidence})` : ''}`;
  return (
    `<g class="${cls}" data-frame="${s.frame}" data-connection="${s.connection}">` +
    `<title>${esc(`frame ${s.frame} at ${s.at}: ${s.label} (${s.from} → ${s.to})`)}</title>` +
    `<text x="8" y="${y + 4}">f${esc(s.frame)}</text><text x="62" y="${y + 4}">${esc(off)}</text>` +
    `<line class="arrow" x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -2 : 2)}" y2="${y}" marker-end="url(#MARKER)"/>` +
    `<text x="${mid}" y="${y - 5}" text-anchor="middle">${esc(label)}</text></g>`
  );
}

function phaseTable(c: ConnectionReport): string[] {
  const x = c as Any;
  if (!x.phases?.length) return [];
  const b = [`<table class="phases" data-connection="${c.id}"><thead><tr><th>#${c.id} phase</th><th>${esc(LABELS.frame)}</th><th>+time</th><th>Detail</th></tr></thead><tbody>`];
  for (const p of x.phases as Any[]) {
    b.push(`<tr><td>${esc(p.name)}${p.inferred ? ' (inferred)' : ''}</td><td class="mono">${esc(p.frame)}</td><td class="mono">${esc(formatDuration(p.offsetSec))}</td><td>${esc(phaseDetail(x, p.name))}</td></tr>`);
  }
  b.push(`<tr><td>end</td><td class="mono">${esc(x.closeFrame ?? '')}</td><td></td><td>${esc(endLabel(x))}</td></tr>`);
  b.push('</tbody></table>');
  return b;
}

/** Bars for the connections of every attempt, on one time axis, with the failure moment. */
function timeline(r: Report, ladders: AttemptLadder[], v: Any | undefined): string[] {
  let conns = ladders.flatMap((l) => l.connections.map((c) => ({ c, failed: l.failed, attempt: l.id })));
  if (conns.length === 0) conns = r.connections.filter(isLadderConnection).map((c) => ({ c, failed: false, attempt: 0 }));
  if (conns.length === 0) return [];
  const moment = v?.failureMoment?.at ? isoToEpoch(v.failureMoment.at) : null;
  if (conns.length > 40 && moment !== null) {
    conns = [...conns].sort((a, b) => distance(a.c, moment) - distance(b.c, moment)).slice(0, 40).sort((a, b) => a.c.startTs - b.c.startTs);
  }
  let t0 = Math.min(...conns.map((x) => x.c.startTs));
  let t1 = Math.max(...conns.map((x) => x.c.endTs));
  if (moment !== null) {
    t0 = Math.min(t0, moment);
    t1 = Math.max(t1, moment);
  }
  const span = Math.max(t1 - t0, 1e-3);
  const X0 = 190;
  const W = SVG_W - X0 - 20;
  const px = (t: number) => X0 + ((t - t0) / span) * W;
  const rows: string[] = [];
  let y = 30;
  for (const { c, failed, attempt } of conns) {
    const xa = px(c.startTs);
    const xb = Math.max(px(c.endTs), xa + 2);
    const cls = failed ? 'failed' : attempt ? 'ok' : '';
    rows.push(
      `<g class="tl-conn" data-connection="${c.id}"><title>${esc(ladderHeader(c))}</title><text x="8" y="${y + 9}">${esc(`#${c.id} ${String(c['protocol'] ?? c.transport)}${attempt ? ` (attempt ${attempt})` : ''}`)}</text>` +
        `<rect class="bar ${cls}" x="${xa.toFixed(1)}" y="${y}" width="${(xb - xa).toFixed(1)}" height="10" rx="2"/></g>`,
    );
    y += 18;
  }
  const axis = `<line class="life" x1="${X0}" y1="${y + 2}" x2="${X0 + W}" y2="${y + 2}"/><text x="${X0}" y="${y + 16}">${esc(isoShort(t0))}</text><text x="${X0 + W}" y="${y + 16}" text-anchor="end">+${esc(formatDuration(span))}</text>`;
  const mark = moment !== null ? `<line class="moment" x1="${px(moment).toFixed(1)}" y1="14" x2="${px(moment).toFixed(1)}" y2="${y + 2}"/><text x="${px(moment).toFixed(1)}" y="11" text-anchor="${px(moment) > X0 + W - 60 ? 'end' : px(moment) < X0 + 60 ? 'start' : 'middle'}" class="note">${esc(LABELS.failureMoment)}</text>` : '';
  const h = y + 24;
  return [
    `<h3>${esc(HEADINGS.timeline)}</h3><p class="small">${esc(TIMELINE_NOTE)}</p>`,
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SVG_W} ${h}" width="${SVG_W}" height="${h}" role="img" aria-label="${esc(HEADINGS.timeline)}">${mark}${rows.join('')}${axis}</svg>`,
  ];
}

function distance(c: ConnectionReport, t: number): number {
  return t < c.startTs ? c.startTs - t : t > c.endTs ? t - c.endTs : 0;
}

function isoShort(t: number): string {
  return new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 23);
}

function captureBlock(r: Report, opts: { all?: boolean }): string[] {
  const b: string[] = [`<section id="capture"><h2>${esc(HEADINGS.capture)}</h2><dl class="facts">`];
  for (const f of captureFacts(r)) b.push(`<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`);
  b.push('</dl></section>');
  const problems = captureProblems(r);
  if (problems.length || r.capture.warningCount) {
    b.push(`<section id="warnings"><h2>${esc(HEADINGS.warnings)}</h2><ul>`);
    for (const p of problems) b.push(`<li class="problem-${p.kind}">${esc(p.text)}</li>`);
    for (const w of orderWarnings(r.capture.warnings)) b.push(`<li class="warning ${esc(w.severity)}">${esc(warningText(w))}</li>`);
    const notKept = warningsNotListed(r);
    if (notKept) b.push(`<li>${esc(notKept)}</li>`);
    b.push('</ul></section>');
  }
  const conns = r.connections;
  if (conns.length) {
    const shown = pickShown(conns, opts.all ? conns.length : 200);
    b.push(`<section id="connections"><h2>${esc(HEADINGS.connections)}</h2>`);
    if (shown.length < conns.length) b.push(`<p class="small">${esc(`Showing ${shown.length} of ${conns.length} (--all for every one).`)}</p>`);
    b.push(`<table><thead><tr>${CONNECTION_COLUMNS.map((c) => `<th>${esc(c.head)}</th>`).join('')}</tr></thead><tbody>`);
    for (const x of shown) b.push(`<tr data-connection="${x.id}">${CONNECTION_COLUMNS.map((c) => `<td class="mono">${esc(c.cell(x))}</td>`).join('')}</tr>`);
    b.push('</tbody></table></section>');
  }
  const agg = aggregateRows(r);
  if (agg) {
    b.push(`<section id="aggregates"><h2>${esc(HEADINGS.aggregates)}</h2><table><thead><tr>${agg.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`);
    for (const row of agg.rows) b.push(`<tr>${row.map((c) => `<td class="mono">${esc(c)}</td>`).join('')}</tr>`);
    b.push('</tbody></table></section>');
  }
  return b;
}
