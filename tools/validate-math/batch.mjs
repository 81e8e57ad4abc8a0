// Shared batch protocol for katex-check.mjs and mathjax-check.mjs.
//
// stdin:  JSON array of {"tex": string, "display": boolean}
// stdout: JSON array of {"ok": boolean, "error": string|null, ...extra} in the same order
// exit 0 when the batch was processed (whatever the verdicts), 2 when the input itself is malformed,
// so the Python side can tell "formula rejected" from "validator broken".
import {readFileSync} from 'node:fs';

export function runBatch(check) {
  let items;
  try {
    items = JSON.parse(readFileSync(0, 'utf8'));
    if (!Array.isArray(items)) throw new Error('expected a JSON array');
    items.forEach((it, i) => {
      if (typeof it?.tex !== 'string' || typeof it?.display !== 'boolean') {
        throw new Error(`item ${i}: expected {"tex": string, "display": boolean}`);
      }
    });
  } catch (err) {
    process.stderr.write(`bad input: ${err.message}\n`);
    process.exit(2);
  }
  const results = items.map(({tex, display}) => {
    try {
      return {ok: true, error: null, ...check(tex, display)};
    } catch (err) {
      return {ok: false, error: String(err?.message ?? err)};
    }
  });
  process.stdout.write(JSON.stringify(results) + '\n');
}
