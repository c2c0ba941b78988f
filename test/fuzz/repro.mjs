#!/usr/bin/env node
/**
 * node test/fuzz/repro.mjs TARGET HEX|FILE — runs one input through a target once, on dist/:
 * exit 0 when it completes or is cleanly rejected, 1 (with the stack) when it throws anything
 * else. Hangs are for the caller to time out (regressions.test.ts runs this in a child process).
 */
import { existsSync, readFileSync } from 'node:fs';

const [name, arg] = process.argv.slice(2);
const t = await import(new URL(`./targets/${name}.mjs`, import.meta.url).href);
const b = new Uint8Array(existsSync(arg) ? readFileSync(arg) : Buffer.from(arg.replace(/\s+/g, ''), 'hex'));
try {
  await t.run(b);
} catch (e) {
  if (!t.expected?.(e)) {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  }
}
process.exit(0);
