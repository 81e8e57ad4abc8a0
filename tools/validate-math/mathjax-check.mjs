// Validate TeX strings with MathJax 4 (the renderer of GitHub, Qiita, Hatena, Jupyter Lab).
// Protocol: see batch.mjs.
//
// Packages: GitHub and Qiita do not publish their TeX package lists, so we mirror MathJax's stock `tex`
// component (base, ams, newcommand, textmacros, configmacros) and add boldsymbol, which stock pages get
// through autoload. Deliberately left out:
//   noundefined, noerrors - they turn errors into red text instead of throwing, hiding every failure;
//   require, autoload     - they need the browser component loader; anything they would pull in beyond
//                           the list below is an extension our output should not rely on anyway.
// Add a package here (and its import) only when derivator starts emitting its macros on purpose.
import {mathjax} from '@mathjax/src/js/mathjax.js';
import {TeX} from '@mathjax/src/js/input/tex.js';
import {liteAdaptor} from '@mathjax/src/js/adaptors/liteAdaptor.js';
import {RegisterHTMLHandler} from '@mathjax/src/js/handlers/html.js';
import {STATE} from '@mathjax/src/js/core/MathItem.js';
import '@mathjax/src/js/input/tex/base/BaseConfiguration.js';
import '@mathjax/src/js/input/tex/ams/AmsConfiguration.js';
import '@mathjax/src/js/input/tex/newcommand/NewcommandConfiguration.js';
import '@mathjax/src/js/input/tex/textmacros/TextMacrosConfiguration.js';
import '@mathjax/src/js/input/tex/configmacros/ConfigMacrosConfiguration.js';
import '@mathjax/src/js/input/tex/boldsymbol/BoldsymbolConfiguration.js';
import {runBatch} from './batch.mjs';

const PACKAGES = ['base', 'ams', 'newcommand', 'textmacros', 'configmacros', 'boldsymbol'];

RegisterHTMLHandler(liteAdaptor());

runBatch((tex, display) => {
  // A fresh input jax per formula: \newcommand definitions otherwise leak from one item into the next.
  const jax = new TeX({packages: PACKAGES, formatError: (_jax, err) => { throw err; }});
  const doc = mathjax.document('', {InputJax: jax});
  // Parsing to the internal MathML tree is where TeX errors arise; no output jax (fonts) is needed.
  doc.convert(tex, {display, end: STATE.CONVERT});
  return {};
});
