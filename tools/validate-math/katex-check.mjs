// Validate TeX strings with KaTeX exactly as a KaTeX platform (Zenn, VS Code notebooks) parses them.
// Protocol: see batch.mjs. Each result also carries "warnings": KaTeX strict-mode complaints.
//
// Why not strict: "error"? Real KaTeX platforms keep KaTeX's default strict: "warn" (Zenn, VS Code), so
// e.g. Japanese letters directly in math mode render there; "error" would reject output that works.
// We still collect those complaints (strict as a function that records and ignores) so a test can demand
// strict-clean output, e.g. Japanese wrapped in \text{} (tests/validators.py: katex_errors(..., strict=True)).
import katex from 'katex';
import {runBatch} from './batch.mjs';

runBatch((tex, display) => {
  const warnings = [];
  katex.renderToString(tex, {
    displayMode: display,
    throwOnError: true, // a ParseError must throw, not render red
    strict: (code, msg) => {
      warnings.push(`${code}: ${msg}`);
      return 'ignore';
    },
  });
  return {warnings};
});
