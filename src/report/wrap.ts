/**
 * Word wrapping for the terminal: lines are broken at spaces to fit the width; continuation
 * lines keep the line's indentation plus a hanging indent. A word longer than the width (an
 * address, a filter without spaces) is left whole: it is never cut.
 */

/** The width to wrap to: the terminal's, else $COLUMNS, else 80. */
export function terminalWidth(stream: { columns?: number; isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  const c = Number(env['COLUMNS']);
  if (Number.isInteger(c) && c > 0) return c;
  return 80;
}

/** Display width of a string: one column per code point (the report is ASCII plus arrows and dashes). */
export function displayWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function wrapLine(line: string, width: number, hang = 4): string[] {
  if (displayWidth(line) <= width) return [line];
  const indent = /^ */.exec(line)![0].length;
  const cont = ' '.repeat(Math.min(indent + hang, Math.max(0, width - 20)));
  const words = line.slice(indent).split(/ +/);
  const out: string[] = [];
  let cur = ' '.repeat(indent);
  let curLen = indent;
  let empty = true;
  for (const w of words) {
    const wl = displayWidth(w);
    if (!empty && curLen + 1 + wl > width) {
      out.push(cur);
      cur = cont + w;
      curLen = cont.length + wl;
      continue;
    }
    cur += (empty ? '' : ' ') + w;
    curLen += (empty ? 0 : 1) + wl;
    empty = false;
  }
  out.push(cur);
  return out;
}

export function wrapLines(lines: string[], width: number): string[] {
  return lines.flatMap((l) => l.split('\n')).flatMap((l) => wrapLine(l, width));
}
