"""C#: a static class in the seed's shape — Activation(x), Derivative(x) and DActivation(val), which
takes the output y = Activation(x) where derivator found an output form (the seed's `(1.0 - val) * val`),
and x otherwise. System.Math only: log1p, expm1, erf and erfc, which .NET Framework's Math lacks, are
private helpers in the class."""

from __future__ import annotations


from derivator.present.codegen.model import Function, Module, build
from derivator.present.codegen.names import CSHARP, camel
from derivator.present.codegen.parts import CodeParts
from derivator.present.codegen.printing import CSharpPrinter, UnsupportedFunction

HELPERS = {
    "Log1p": """    // log(1 + v) without losing v when it is small (the trick log(u)*v/(u - 1), u = 1 + v, cancels the rounding of u)
    private static double Log1p(double v)
    {
        double u = 1.0 + v;
        if (u == 1.0) return v;
        if (double.IsInfinity(u)) return Math.Log(v);
        return Math.Log(u) * v / (u - 1.0);
    }""",
    "Expm1": """    // exp(v) - 1 without cancellation near v = 0 (Kahan: (u - 1)*v/log(u), u = exp(v))
    private static double Expm1(double v)
    {
        double u = Math.Exp(v);
        if (u == 1.0) return v;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        if (double.IsInfinity(u)) return u;
        return um1 * v / Math.Log(u);
    }""",
    "Erf": """    // erf: for |v| < 2 the series 2/sqrt(pi)*exp(-v^2)*sum 2^n v^(2n+1)/(1*3*...*(2n+1)) (positive
    // terms: no cancellation); beyond, from Erfc
    private static double Erf(double v)
    {
        if (v >= 2.0) return 1.0 - Erfc(v);
        if (v <= -2.0) return Erfc(-v) - 1.0;
        double v2 = v * v, term = v, sum = v;
        for (int n = 1; n < 200; n++)
        {
            term *= 2.0 * v2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(sum)) break;
        }
        return 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-v2) * sum;
    }""",
    "Erfc": """    // erfc: 2 - erfc(-v) for v < 0, 1 - erf(v) below 2, else the continued fraction
    // exp(-v^2)/sqrt(pi) / (v + (1/2)/(v + 1/(v + (3/2)/(v + ...)))) by Lentz's method, accurate deep in the tail
    private static double Erfc(double v)
    {
        if (double.IsNaN(v)) return v;
        if (v < 0.0) return 2.0 - Erfc(-v);
        if (v < 2.0) return 1.0 - Erf(v);
        double f = v, c = v, d = 0.0;
        for (int n = 1; n < 5000; n++)
        {
            double a = 0.5 * n;
            d = v + a * d;
            d = 1.0 / (d == 0.0 ? 1e-300 : d);
            c = v + a / (c == 0.0 ? 1e-300 : c);
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16) break;
        }
        // e^(-v^2) as e^(-z^2)·e^((z - v)(z + v)), z = v with its low 32 bits cleared: z*z is exact, so
        // the rounding of v*v (relative 1e-13 in the result for v near 26) never enters
        double z = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(v) & unchecked((long)0xFFFFFFFF00000000UL));
        return Math.Exp(-z * z) * Math.Exp((z - v) * (z + v)) / (f * Math.Sqrt(Math.PI));
    }""",
}
# helpers that call one another
_NEEDS = {"Erf": {"Erfc"}, "Erfc": {"Erf"}}


CALLED = {"function": "Activation", "derivative": "Derivative", "from_output": "DActivation"}


class Unsupported(Exception):
    def __init__(self, function: str, role: str):
        super().__init__(function)
        self.function, self.role = function, role


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _method(name: str, fn: Function, module: Module, helpers: set[str], doc: tuple[str, ...] | None = None) -> str:
    printer = CSharpPrinter(module.names)
    try:
        lines = [f"        double {module.names[s]} = {printer.doprint(v)};" for s, v in fn.locals]
        code = printer.doprint(fn.body)
    except UnsupportedFunction as missing:
        raise Unsupported(missing.function, fn.role) from None
    helpers |= printer.usage.helpers
    defaults = dict(module.parts.defaults)
    args = ", ".join(f"double {module.names[a]}" + (f" = {defaults[a]}" if a in defaults else "") for a in fn.args)
    summary = "\n".join(f"    /// {_xml(line)}" for line in (doc or fn.doc))
    return "\n".join([
        "    /// <summary>", summary, "    /// </summary>",
        f"    public static double {name}({args})", "    {", *lines, f"        return {code};", "    }",
    ])


def render(parts: CodeParts, status: str) -> str:
    module = build(parts, CSHARP, called=CALLED)
    f, d, o = module.get("function"), module.get("derivative"), module.function("from_output")
    helpers: set[str] = set()
    cls = module.table.name("class", camel(f.name))
    methods = [_method("Activation", f, module, helpers), _method("Derivative", d, module, helpers)]
    note = None
    if o is not None:
        try:
            methods.append(_method("DActivation", o, module, helpers))
        except Unsupported as missing:
            o, note = None, missing.function
    if o is None:
        xs = module.names[d.args[0]]
        why = f"C# has no {note}" if note else "derivator found no derivative in terms of the output"
        doc = (f"The derivative, taking {xs} (not the output: {why}); the same as Derivative.",)
        call = ", ".join(module.names[a] for a in d.args)
        methods.append("\n".join([
            "    /// <summary>", f"    /// {_xml(doc[0])}", "    /// </summary>",
            f"    public static double DActivation({', '.join('double ' + module.names[a] + (f' = {dict(module.parts.defaults)[a]}' if a in dict(module.parts.defaults) else '') for a in d.args)})",
            "    {", f"        return Derivative({call});", "    }",
        ]))
    while True:  # helpers used by helpers
        more = set().union(*(_NEEDS.get(h, set()) for h in helpers)) - helpers
        if not more:
            break
        helpers |= more
    body = "\n\n".join(methods + [HELPERS[h] for h in sorted(helpers)])
    return (
        f"// {f.name} and its derivative, generated by derivator ({status}).\n"
        "// Needs: System.Math only (log1p, expm1, erf, erfc are written out below where used).\n"
        "// Numerically safe forms (derivator's README, 'Safe forms'): no exponential with a positive exponent\n"
        "// where the result is finite, expm1/log1p/erfc where a difference would cancel.\n"
        "using System;\n\n"
        f"public static class {cls}\n{{\n{body}\n}}\n"
    )


def class_name(parts: CodeParts) -> str:
    module = build(parts, CSHARP)
    return module.table.name("class", camel(module.get("function").name))
