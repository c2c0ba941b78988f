/**
 * Test helper: read markdown tables out of /work/shared/docs/protocol-facts.md (resolved from the
 * repository root as ../shared/docs). Tests that use it skip when the file is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
export const SHARED = path.resolve(REPO_ROOT, '..', 'shared');
export const FACTS_PATH = path.join(SHARED, 'docs', 'protocol-facts.md');
export const CAPTURES = path.join(SHARED, 'captures', 'public');
export const FACTS_PRESENT = existsSync(FACTS_PATH);

let cached: string | undefined;
function text(): string {
  cached ??= readFileSync(FACTS_PATH, 'utf8');
  return cached;
}

/** Body of the section whose heading starts with `id` (e.g. '4.12'), up to the next heading of the same or higher level. */
export function section(id: string): string {
  const lines = text().split('\n');
  const start = lines.findIndex((l) => new RegExp(`^#{2,3} ${id.replace('.', '\\.')}[ .]`).test(l));
  if (start < 0) throw new Error(`section ${id} not found`);
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 3;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^(#+) /.exec(lines[i] ?? '');
    if (m?.[1] && m[1].length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start + 1, end).join('\n');
}

/** Markdown table data rows of a text, each split into trimmed cells with ** and backticks removed. */
export function tableRows(body: string): string[][] {
  const rows: string[][] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (!l.startsWith('|')) continue;
    if (/^\|[\s|:-]+\|$/.test(l)) continue; // separator
    const next = lines[i + 1] ?? '';
    if (/^\|[\s|:-]+\|$/.test(next)) continue; // header row
    rows.push(
      l
        .slice(1, l.endsWith('|') ? -1 : undefined)
        .split('|')
        .map((c) => c.replace(/\*\*/g, '').replace(/`/g, '').trim()),
    );
  }
  return rows;
}

/** Split consecutive markdown tables of a section apart (blank/prose line between them). */
export function tables(body: string): string[][][] {
  const out: string[][][] = [];
  let cur: string[] = [];
  for (const l of body.split('\n')) {
    if (l.startsWith('|')) cur.push(l);
    else if (cur.length > 0) {
      out.push(tableRows(cur.join('\n')));
      cur = [];
    }
  }
  if (cur.length > 0) out.push(tableRows(cur.join('\n')));
  return out;
}

/** Expand a cell like '0x1', '25 / 26', '256–267', '0x00001111 … 0x00001126', '62–66' into numbers (ranges: endpoints and, if small, all values). */
export function codesInCell(cell: string): number[] {
  const c = cell.replace(/\s+/g, ' ').trim();
  const num = (s: string): number => (/^0x/i.test(s) ? parseInt(s, 16) : Number(s));
  const range = /^(0x[0-9a-f]+|\d+)\s*(?:–|-|…|\.\.)\s*(0x[0-9a-f]+|\d+)$/i.exec(c);
  if (range?.[1] && range[2]) {
    const a = num(range[1]);
    const b = num(range[2]);
    if (b - a <= 64) return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    return [a, b];
  }
  const parts = c.split(/\s*\/\s*/);
  if (parts.every((p) => /^(0x[0-9a-f]+|\d+)$/i.test(p))) return parts.map(num);
  return [];
}
