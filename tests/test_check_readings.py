"""How `check` reads what real posts write (the reproducers of the real-post corpus, re-typed as
minimal documents): each row is a document, the line to look at, and the verdict it must get there —
"ok", "wrong", or "unchecked" where no reading is certain (never "wrong" from not understanding)."""

from __future__ import annotations

import pytest

from derivator.check import check_text

SIGMOID = "$$f(x)=\\frac{1}{1+e^{-x}}$$\n"

CROSS_ENTROPY = ("$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n$$L = -\\sum_k y_k \\log p_k$$\n"
                 "$$\\frac{\\partial L}{\\partial z_i} = p_i - y_i$$\n")

# two lines named ① and ②, then their sum headed by the names (a head that is not read)
CIRCLED = "{tan(x)}'=1/cos^2(x)・・・①\n(x^2)'=2x・・・②\n①+②=1/cos^2(x)+2x\n"
# a new family ℓ written for the terms of a sum
TERMS = "$$L = -\\sum_j y_j \\log p_j = -\\sum_j \\ell_j$$\n"

# a name set to some function of others, as chain rules are stated
CHAIN_SETTING = "$$z = f(t)$$\n$$t = g(x, y)$$\n"
TWO_INNER = "$$y_1 = f_1(x_1, x_2)$$\n$$y_2 = f_2(x_1, x_2)$$\n$$z = g(y_1, y_2)$$\n"

# ELU's cases as a Markdown escape left them: `\\\\` halved to a control space
ELU_HALVED = "$$f(x) = \\begin{cases} x & \\text{if } x > 0 \\ \\alpha \\cdot (e^x - 1) & \\text{if } x \\leq 0 \\end{cases}$$\n"

# the outer and inner functions of a chain rule, the inner one written u(x) and then differentiated by
INNER_AS_FUNCTION = "$$S(x)=\\frac{1}{1+e^{-x}}$$\n$$f(u)=u^{-1}$$\n$$u(x)=1+e^{-x}$$\n"

CASES = [
    # name, document, file name, line, verdict ("error" = wrong or not following)
    ("definition chain", SIGMOID + "$$u=g(x)=1+e^{-x}$$\n$$y=f(u)=\\frac{1}{u}=u^{-1}$$\n$$f'(x)=\\frac{dy}{dx}$$\n",
     "p.md", 4, "ok"),
    ("a new outer function named in a chain", "$$u = 1+e^{-x}$$\n$$y = f(u) = \\frac{1}{u}$$\n"
     "$$f'(u) = -\\frac{1}{u^2}$$\n", "p.md", 3, "ok"),
    ("reused letter is not judged", SIGMOID + "$$u=1+e^{-x}$$\n$$f(u)=u^{-1}$$\n", "p.md", 3, "unchecked"),
    ("braced group's superscript as TeX sets it", SIGMOID + "$$f(x)=\\frac{1}{{ 1+e }^{ -x }}$$\n", "p.md", 2, "ok"),
    ("index condition honoured", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\nFor $i = j$:\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_j(1-p_i)$$\n", "p.md", 3, "ok"),
    ("index condition in brackets", "$$\\frac{\\partial a_j}{\\partial z_i} = -a_i a_j \\quad (i \\ne j)$$\n",
     "p.md", 1, "unchecked"),
    ("decimals to the digits written", "$$e^{-0.5} = 0.6065$$\n", "p.md", 1, "ok"),
    ("a wrong digit is wrong", "$$e^{-0.5} = 0.6165$$\n", "p.md", 1, "wrong"),
    ("inverse hyperbolic", "$$\\frac{d}{dx} \\sinh^{-1} x = \\frac{1}{\\sqrt{x^2+1}}$$\n", "p.md", 1, "ok"),
    ("outside the real domain", "$$\\frac{d}{dx} \\cosh^{-1} x = \\frac{1}{\\sqrt{x^2-1}}$$\n", "p.md", 1, "unchecked"),
    ("value at a kink is a convention", "$$\\operatorname{ReLU}'(0) = 0$$\n", "p.md", 1, "unchecked"),
    ("prime of a built-in at a point", "$$\\tanh'(0) = 1$$\n", "p.md", 1, "ok"),
    ("prime of a built-in at a point, wrong", "$$\\tanh'(0) = 0$$\n", "p.md", 1, "wrong"),
    ("definition in a Japanese sentence", "u = x^2 + 1 とおくと y = u^3 となる。\ndy/dx = 6x(x^2+1)^2\n",
     "p.txt", 2, "ok"),
    ("definition in an English sentence, wrong claim after it",
     "Two names, u = x^2 + 1 and y = u^3, are used.\ndy/dx = 3x(x^2+1)^2\n", "p.txt", 2, "wrong"),
    ("Leibniz with an argument in plain text", "y(z) = 1/(1+exp(-z))\ndy(z)/dz = exp(-z)/(1+exp(-z))^2\n",
     "p.txt", 2, "ok"),
    ("Hatena inline escapes", "[tex:y = \\\\sigma(x)]\n\n[tex:\\\\frac{dy}{dx} = y(1-y)]\n", "p.md", 3, "ok"),
    ("power of a function's value", "$$\\sigma'(x) = \\sigma(x) - \\sigma^{2}(x)$$\n", "p.md", 1, "ok"),
    ("a differential head is the derivative", "$$d\\sigma(x) = \\sigma(x)(1-\\sigma(x))$$\n", "p.md", 1, "ok"),
    ("a differential head is the derivative, wrong", "$$d\\sigma(x) = \\sigma(x)(1+\\sigma(x))$$\n", "p.md", 1, "wrong"),
    ("an equation of differentials is not judged", "$$d\\sigma(x) = \\sigma(x)(1-\\sigma(x))\\,dx$$\n", "p.md", 1,
     "unchecked"),
    ("f'(x) = 0 on its own is an equation", "$$f(x) = x^2 - 2x$$\nSolve $f'(x) = 0$.\n", "p.md", 2, "unchecked"),
    ("a condition in align's next column", "$$\\begin{align*} \\sqrt{x^2} &= x & x \\ge 0 \\end{align*}$$\n",
     "p.md", 1, "ok"),
    ("eqnarray's relation column", "\\begin{eqnarray}\n\\frac{d}{dx} x^3 &=& 3x^2 \\\\\n&=& 2x^2\n\\end{eqnarray}\n",
     "p.md", 3, "wrong"),
    ("a size command", "$$\\large \\frac{d}{dx} x^2 = 2x$$\n", "p.md", 1, "ok"),
    ("the text's φ unlike the standard one", "$$\\phi(x) = e^{x^2/2}$$\n"
     "$$\\frac{d}{dx} x\\Phi(x) = \\Phi(x) + x\\phi(x)$$\n", "p.md", 2, "unchecked"),
    ("inline math with spaces inside", "Let $f(x) = x^3 $ be given, and $ f'(x) = 3x $ its slope.\n",
     "p.md", 1, "wrong"),
    ("money is not math", "It costs $5 and then $10 = a lot.\n", "p.md", 1, None),
    ("a condition glued to the right side", "$$\\frac{d}{dx} \\sqrt{x^2} = 1 (x > 0)$$\n", "p.md", 1, "ok"),
    ("rows that end with their equals sign", "$$\n\\frac{d}{dx} x^3 = \\\\\n3x^2 = \\\\\n2x^2\n$$\n",
     "p.md", 4, "wrong"),
    ("a parameter's value stated on the line", "$$f(x) = \\frac{1}{1+e^{-ax}}$$\n"
     "With $a = 1$: $f'(x) = f(x)(1-f(x))$.\n", "p.md", 2, "ok"),
    ("two GitHub math spans on one line", "Chain rule with $`u = 1 + e^{-x}`$: outer $`-\\frac{1}{u^{2}}`$ "
     "times inner $`-e^{-x}`$.\n", "p.md", 1, None),
    ("the line after a missing prime follows the corrected line",
     "$$\\frac{d}{dx} \\frac{1}{1+e^{-x}} = -\\frac{1}{(1+e^{-x})^2} (1+e^{-x}) = -\\frac{1}{(1+e^{-x})^2}(-e^{-x})$$\n",
     "p.md", 1, "ok"),
    ("a dot as a product in plain text", "s(x) = 1/(1+exp(-x))\ns(x)’ = s(x).(1 – s(x))\n", "p.txt", 2, "ok"),
    ("a dot as a product, wrong", "s(x) = 1/(1+exp(-x))\ns(x)’ = s(x).(1 + s(x))\n", "p.txt", 2, "wrong"),
    ("the variable's own prime in the product rule", "y = x . sigmoid(x)\ny’ = x’ . σ(x) + x . σ(x)’\n",
     "p.txt", 2, "ok"),
    ("an arrow between two equalities", "$$f(x) = x^n \\to \\frac{df}{dx} = nx^{n-1}$$\n", "p.md", 1, "ok"),
    ("an arrow between two equalities, wrong", "$$f(x) = \\sin(ax) \\Rightarrow \\frac{df}{dx} = \\cos(ax)$$\n",
     "p.md", 1, "wrong"),
    ("an equivalence while solving is not two claims", "$$\\sigma(x) = \\frac{1}{2} \\iff x = 0$$\n"
     "$$\\sigma''(-1) = 0.09086$$\n", "p.md", 2, "ok"),
    ("solving steps joined by an arrow are not two claims", "$$\\sigma(x) = \\frac{1}{2} \\Rightarrow x = 0$$\n"
     "$$\\sigma'(0) = \\frac{1}{4}$$\n", "p.md", 2, "ok"),
    ("a comment after plain math", "y = x^3 # the cube\ndy/dx = 2x^2 # its slope\n", "p.txt", 2, "wrong"),
    ("capitalised names and Leibniz words in plain text", "E = w^2 + 3*w # the error\ndE/dw = 2*w + 3\n",
     "p.txt", 2, "ok"),
    ("a label before plain math", "Definition: f(x) = x^3\nf'(x) = 2x^2\n", "p.txt", 2, "wrong"),
    ("a plain line set in bold", "f(x) = x^3\n\n**f'(x) = 3x^2**\n", "p.md", 3, "ok"),
    ("a superscript lost in plain text", "y = 1/(1+e-x)\ndy/dx = e-x/(1+e-x)^2 + 1\n", "p.txt", 2, "unchecked"),
    ("a flattened square in plain text", "y = x . sigmoid(x)\ny’ = σ(x) + x . σ(x) – x . σ2(x)\n", "p.txt", 2,
     "unchecked"),
    ("a bracketed value's prime is its derivative", "$$\\frac{d}{dx}\\ln(1+e^x) = (\\ln(1+e^{x}))'$$\n",
     "p.md", 1, "ok"),
    ("dy/dx names the function's value", "f(x) = ln(1+e^{x})\nf'(x) = dy/dx = e^{x}/(1+e^{x})\n"
     "dy/dx = 1/(1+e^{-x})\n", "p.txt", 3, "ok"),
    ("dy/dx names the function's value, wrong later", "f(x) = ln(1+e^{x})\nf'(x) = dy/dx\n"
     "dy/dx = 1/(1+e^{x})\n", "p.txt", 3, "wrong"),
    ("softmax entry i = j", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\nFor $i = j$:\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(1-p_i)$$\n", "p.md", 3, "ok"),
    ("softmax entry i ≠ j, sign slip", "$$p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i p_j \\quad (i \\ne j)$$\n", "p.md", 2, "wrong"),
    ("softmax with a Kronecker delta", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)$$\n", "p.md", 2, "ok"),
    ("softmax with a Kronecker delta, wrong", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} + p_j)$$\n", "p.md", 2, "wrong"),
    ("a sum with a fixed end is not read as a family's", "$$\\sum_{k=1}^{5} k = 15$$\n", "p.md", 1, "unchecked"),
    ("a sum leaving one index out", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n"
     "$$1 - p_i = \\sum_{k \\ne i} p_k$$\n", "p.md", 2, "ok"),
    ("cross-entropy needs labels that sum to one", CROSS_ENTROPY, "p.md", 3, "unchecked"),
    ("cross-entropy with one-hot labels stated", CROSS_ENTROPY + "The labels are one-hot.\n", "p.md", 3, "ok"),
    ("cross-entropy with the sum stated", CROSS_ENTROPY + "$$\\sum_k y_k = 1$$\n", "p.md", 3, "ok"),
    ("cross-entropy with exactly one label equal to 1", CROSS_ENTROPY + "With exactly one $y_i$ equal to 1.\n",
     "p.md", 3, "ok"),
    ("cross-entropy without the labels said to sum to one", CROSS_ENTROPY + "Only one step is left.\n", "p.md", 3,
     "unchecked"),
    ("cross-entropy, wrong even with one-hot labels", CROSS_ENTROPY.replace("p_i - y_i", "y_i - p_i")
     + "The labels are one-hot.\n", "p.md", 3, "wrong"),
    ("a function of an undefined letter is not a constant", "$$E = (t - a)^2$$\n$$\\frac{dE}{dw} = 0$$\n",
     "p.md", 2, "unchecked"),
    ("a name defined after the line that uses it", "y = u^3\nu = x^2 + 1\ndy/dx = 6x(x^2+1)^2\n", "p.txt", 3, "ok"),
    ("a Leibniz variable in braces", "$$y_i = z_i^2$$\n$$\\frac{dy_i}{d{z_i}} = 2 z_i$$\n", "p.md", 2, "ok"),
    ("a ProofWiki row of cells", "\\(\\ds \\map {\\dfrac \\d {\\d x} } {x^3}\\) \\(=\\) \\(\\ds 3 \\paren {x^2}\\) (power rule)\n",
     "p.md", 1, "ok"),
    ("a ProofWiki row of cells, wrong", "\\(\\ds \\map {\\dfrac \\d {\\d x} } {x^3}\\) \\(=\\) \\(\\ds 2 x^2\\) (power rule)\n",
     "p.md", 1, "wrong"),
    ("a derivative that names its function", "$$s'(x) = \\frac{d}{dx}\\left(x^3\\right) = 3x^2$$\n\n"
     "$$s'(x) = \\frac{3 s(x)}{x}$$\n", "p.md", 3, "ok"),
    ("a derivative that names its function, wrong later", "$$s'(x) = \\frac{d}{dx}\\left(x^3\\right)$$\n\n"
     "$$s'(x) = \\frac{2 s(x)}{x}$$\n", "p.md", 3, "wrong"),
    ("a display ending with its equals sign", "$$\\frac{d}{dx} x^3 = 3x^2 =$$\n\n$$= 3 x \\cdot x$$\n", "p.md", 3, "ok"),
    ("a value given on the line makes a number true", "At $x = 0.5$ we get $e^{-x} = 0.6065$.\n", "p.md", 1, "ok"),
    ("a value given on the line, wrong digits stay unjudged", "At $x = 0.5$ we get $e^{-x} = 0.7065$.\n",
     "p.md", 1, "unchecked"),
    ("an arrow comment with no space after it", "y(z) = 1/(1+exp(-z)) <-定義\ny(z)’ = y(z)・(1 + y(z)) <-示したい式\n",
     "p.txt", 2, "wrong"),
    ("a connective word before plain math", "f(x) = e^x + e^{-x}\nWith e^0 = 2 here:\n", "p.txt", 2, "wrong"),
    ("φ named as the standard normal density", "Let $\\phi$ be the density of the standard normal.\n"
     "$$\\phi(x) = \\frac{1}{\\sqrt{2\\pi}} e^{x^2/2}$$\n", "p.md", 2, "wrong"),
    ("φ named as the standard normal density, right", "Let $\\phi$ be the density of the standard normal.\n"
     "$$\\phi(x) = \\frac{1}{\\sqrt{2\\pi}} e^{-x^2/2}$$\n", "p.md", 2, "ok"),
    ("φ defined with no standard named is the text's own", "$$\\phi(x) = \\frac{1}{\\sqrt{2\\pi}} e^{x^2/2}$$\n",
     "p.md", 1, "ok"),
    ("a stated condition where the formula is not real", "$$\\cosh^{-1} x = \\ln(x + \\sqrt{x^2 - 1}) \\quad (x \\le 1)$$\n",
     "p.md", 1, "wrong"),
    ("the right condition for it", "$$\\cosh^{-1} x = \\ln(x + \\sqrt{x^2 - 1}) \\quad (x \\ge 1)$$\n", "p.md", 1, "ok"),
    ("an excluded point is not a bound", "$$\\frac{d}{dx} \\ln x = \\frac{1}{x} \\quad (x \\ne 0)$$\n", "p.md", 1, None),
    ("an unread middle form does not stop a definition", "$$y_i = \\text{softmax}(\\textbf{x})_i = "
     "\\frac{e^{x_i}}{\\sum_d e^{x_d}}$$\n$$\\frac{\\partial y_i}{\\partial x_j} = -y_i y_j \\quad (i \\ne j)$$\n",
     "p.md", 2, "ok"),
    ("σ without its argument where the text writes σ(x)", "$$\\frac{d}{dx}\\sigma(x) = \\sigma(x)(1-\\sigma(x))$$\n"
     "$$\\sigma' = \\sigma(1-\\sigma)$$\n", "p.md", 2, "ok"),
    ("σ without its argument, wrong", "$$\\frac{d}{dx}\\sigma(x) = \\sigma(x)(1-\\sigma(x))$$\n"
     "$$\\frac{d\\sigma}{dx} = \\sigma(1+\\sigma)$$\n", "p.md", 2, "wrong"),
    ("a defined function without its argument", "$$f(x) = \\frac{1}{1+e^{-x}}$$\n$$f' = f(1-f)$$\n", "p.md", 2, "ok"),
    ("a bare σ stays unread where the text writes no σ(x)", "$$\\frac{d\\sigma}{dx} = \\sigma(1+\\sigma)$$\n",
     "p.md", 1, "unchecked"),
    ("a boxed result", "$$\\frac{d}{dx} x^2 = \\boxed{2x}$$\n", "p.md", 1, "ok"),
    ("a parameter stated positive", "Here $a > 0$.\n$$\\frac{d}{dx} (|a| x) = a$$\n", "p.md", 2, "ok"),
    ("a parameter not stated positive", "$$\\frac{d}{dx} (|a| x) = a$$\n", "p.md", 1, "wrong"),
    ("letters given one value are a condition", "$$f(x) = a x + b$$\nWith $a=c=d=0$, the fit gives $b$.\n",
     "p.md", 2, "ok"),
    ("a number where the value still has letters is a point value",
     "$$Z = e^{x_1} + e^{x_2}$$\n$$Z = e^{x_1} + e^{x_2} = e^1 + e^2$$\n", "p.md", 2, "unchecked"),
    ("two claims glued by a space", "{sin(x)}'=cos(x) {cos(x)}'=-sin(x)\n", "p.txt", 1, "ok"),
    ("two claims glued by a space, the second wrong", "{sin(x)}'=cos(x) {cos(x)}'=sin(x)\n", "p.txt", 1, "wrong"),
    ("a circled-number tag", "{tan(x)}'=1/cos^2(x)・・・①\n", "p.txt", 1, "ok"),
    # the ①+② head is not read, so the chain is not judged against older lines — but each step of it is
    ("a chain headed by circled numbers is judged step by step",
     CIRCLED + "=(1+2x・cos^2(x))/cos^2(x)\n", "p.txt", 4, "ok"),
    ("a wrong step in a chain headed by circled numbers",
     CIRCLED + "=(1+x・cos^2(x))/cos^2(x)\n", "p.txt", 4, "wrong"),
    ("the head of a chain headed by circled numbers stays unchecked",
     CIRCLED + "=(1+2x・cos^2(x))/cos^2(x)\n", "p.txt", 3, "unchecked"),
    ("a name for the terms of a sum", TERMS +
     "$$\\frac{\\partial \\ell_j}{\\partial p_j} = \\frac{y_j}{p_j}$$\n", "p.md", 2, "ok"),
    ("a name for the terms of a sum, wrong derivative", TERMS +
     "$$\\frac{\\partial \\ell_j}{\\partial p_j} = -\\frac{y_j}{p_j}$$\n", "p.md", 2, "wrong"),
    # the sides differ outside the sum too (the minus): ℓ_j is not simply the sum's term, so no reading
    ("no name for the terms when the sides differ elsewhere", "$$L = -\\sum_j y_j \\log p_j = \\sum_j \\ell_j$$\n"
     "$$\\frac{\\partial \\ell_j}{\\partial p_j} = -\\frac{y_j}{p_j}$$\n", "p.md", 2, "unchecked"),
    ("the chain rule for any functions f, g", "{f(g(x))}' = f'(g(x)) g'(x)\n", "p.txt", 1, "ok"),
    # a rule (the derivative of a combination of functions) that fails for every concrete f, g: wrong
    ("a wrong chain rule for free functions is wrong", "{f(g(x))}' = f'(g(x))\n", "p.txt", 1, "wrong"),
    # about one function the text means (defined later, or in prose): not a rule, so no verdict
    ("a relation for one free function is not a rule", "f'(x) = (1 -f(x))f(x)\n", "p.txt", 1, "unchecked"),
    ("a difference of one free function is not a rule", "Δf(x) = f(x + Δx) – f(x)\n", "p.txt", 1, "unchecked"),
    ("the quotient rule with bare letters", "$$\\left( \\frac{g}{h} \\right)' = \\frac{g' \\cdot h - g \\cdot h'}{h^2}$$\n",
     "p.md", 1, "ok"),
    ("the quotient rule with bare letters, wrong sign",
     "$$\\left( \\frac{g}{h} \\right)' = \\frac{g' \\cdot h + g \\cdot h'}{h^2}$$\n", "p.md", 1, "wrong"),
    ("the product rule with dots for times", "(f . g)’ = f’.g + f.g’\n", "p.txt", 1, "ok"),
    ("the product rule with dots for times, wrong", "(f . g)’ = f’.g’\n", "p.txt", 1, "wrong"),
    # f' then a bracket is f' at a point, not a product: the bare reading is not certain
    ("a prime before a bracket is not a bare function", "$$\\frac{d}{dx} \\left[ f(g(x)) \\right] = "
     "f'\\left[g(x) \\right] + g'(x)$$\n", "p.md", 1, "unchecked"),
    ("the quotient rule for any functions u, v",
     "$$\\left(\\frac{u(x)}{v(x)}\\right)' = \\frac{u'(x)v(x) - u(x)v'(x)}{v(x)^2}$$\n", "p.md", 1, "ok"),
    ("a step between free functions", "f'(x) = {g(x)t(x)}'\n= g'(x)t(x)+g(x)t'(x)\n", "p.txt", 2, "ok"),
    # the step from a rule's left side fails for every concrete g, t: it does not follow
    ("a wrong step between free functions does not follow", "f'(x) = {g(x)t(x)}'\n= g'(x)t(x)-g(x)t'(x)\n",
     "p.txt", 2, "wrong"),
    ("cases with a row break doubled by Markdown", "$f(z) = \\max(0, z)$\n$\\frac{df}{dz} = \\begin{cases} 1 & "
     "\\text{if } z > 0 \\\\\\\\ 0 & \\text{if } z \\le 0 \\end{cases}$\n", "p.md", 2, "ok"),
    ("cases judged piece by piece, a wrong piece", "$f(z) = \\max(0, z)$\n$\\frac{df}{dz} = \\begin{cases} 1 & "
     "\\text{if } z > 0 \\\\ 1 & \\text{if } z \\le 0 \\end{cases}$\n", "p.md", 2, "wrong"),
    ("an array behind a brace is cases", "$$y = \\biggl\\{ \\begin{array}{ll} x & (x \\gt 0) \\\\ 0 & (x \\leq 0) "
     "\\end{array}$$\n$$\\frac{\\partial y}{\\partial x} = \\biggl\\{ \\begin{array}{ll} 1 & (x \\gt 0) \\\\ 0 & "
     "(x \\leq 0) \\end{array}$$\n", "p.md", 2, "ok"),
    ("an array behind a brace is cases, a wrong piece", "$$y = \\biggl\\{ \\begin{array}{ll} x & (x \\gt 0) \\\\ 0 & "
     "(x \\leq 0) \\end{array}$$\n$$\\frac{\\partial y}{\\partial x} = \\biggl\\{ \\begin{array}{ll} 1 & (x \\gt 0) "
     "\\\\ x & (x \\leq 0) \\end{array}$$\n", "p.md", 2, "wrong"),
    ("a definition restated on the case its line states", "$f(z) = \\max(0, z)$\n\\(z > 0\\) のとき \\(f(z) = z\\)\n",
     "p.md", 2, "ok"),
    ("a definition restated unlike itself on a case is not judged",
     "$f(z) = \\max(0, z)$\n\\(z < 0\\) のとき \\(f(z) = z\\)\n", "p.md", 2, "unchecked"),
    ("the chain rule after z = f(t), t = g(x, y)", CHAIN_SETTING +
     "$$\\frac{\\partial z}{\\partial x} = \\frac{\\partial z}{\\partial t} \\frac{\\partial t}{\\partial x}$$\n",
     "p.md", 3, "ok"),
    ("the chain rule after z = f(t), t = g(x, y), wrong", CHAIN_SETTING +
     "$$\\frac{\\partial z}{\\partial x} = \\frac{\\partial z}{\\partial t} + \\frac{\\partial t}{\\partial x}$$\n",
     "p.md", 3, "wrong"),
    ("the chain rule through two inner functions", TWO_INNER +
     "$$\\frac{\\partial z}{\\partial x_1} = \\frac{\\partial z}{\\partial y_1}\\frac{\\partial y_1}{\\partial x_1} + "
     "\\frac{\\partial z}{\\partial y_2}\\frac{\\partial y_2}{\\partial x_1}$$\n", "p.md", 4, "ok"),
    ("the chain rule through two inner functions, a term dropped", TWO_INNER +
     "$$\\frac{\\partial z}{\\partial x_1} = \\frac{\\partial z}{\\partial y_1}\\frac{\\partial y_1}{\\partial x_1}$$\n",
     "p.md", 4, "wrong"),
    # z = f(t) only set the scene: z = xy later is an example of its own
    ("a name for some function is redefined by a formula", CHAIN_SETTING + "$$z = xy$$\n"
     "$$\\frac{\\partial z}{\\partial x} = y$$\n", "p.md", 4, "ok"),
    ("a function named in the middle of a chain", "$$y = softplus(x) = f(x) = \\log(1 + e^{x})$$\n"
     "$$f'(x) = \\frac{e^{x}}{1 + e^{x}}$$\n", "p.md", 2, "ok"),
    ("a function named in the middle of a chain, wrong derivative", "$$y = softplus(x) = f(x) = \\log(1 + e^{x})$$\n"
     "$$f'(x) = \\frac{1}{1 + e^{x}}$$\n", "p.md", 2, "wrong"),
    ("cases whose row break lost a backslash", ELU_HALVED + "$$f(-1) = \\alpha \\cdot (e^{-1} - 1)$$\n", "p.md", 2, "ok"),
    ("cases whose row break lost a backslash, wrong", ELU_HALVED + "$$f(-1) = \\alpha e^{-1}$$\n", "p.md", 2, "wrong"),
    ("an inner function differentiated by", INNER_AS_FUNCTION +
     "$$\\frac{dS}{dx}=\\frac{df}{du}\\cdot\\frac{du}{dx}$$\n$$\\frac{df}{du}=-u^{-2}$$\n", "p.md", 5, "ok"),
    ("an inner function differentiated by, wrong", INNER_AS_FUNCTION +
     "$$\\frac{dS}{dx}=\\frac{df}{du}\\cdot\\frac{du}{dx}$$\n$$\\frac{df}{du}=u^{-2}$$\n", "p.md", 5, "wrong"),
    ("a chain rule through a name set to some function", "$$f(x) = \\exp(ax)$$\n$$y = f(x)$$\n$$z = g(y)$$\n"
     "$$\\frac{dz}{dx} = \\frac{dz}{dy} \\frac{dy}{dx}$$\n", "p.md", 4, "ok"),
    ("a chain rule through a name set to some function, wrong", "$$f(x) = \\exp(ax)$$\n$$y = f(x)$$\n$$z = g(y)$$\n"
     "$$\\frac{dz}{dx} = \\frac{dz}{dy} + \\frac{dy}{dx}$$\n", "p.md", 4, "wrong"),
    ("Euler's operator D", "$$D(\\tanh x) = \\operatorname{sech}^2 x$$\n", "p.md", 1, "ok"),
    ("Euler's operator D, wrong", "$$D(\\cosh x) = -\\sinh x$$\n", "p.md", 1, "wrong"),
    # D also written alone: a quantity the text means, not the operator (D(x+1) = Dx + D, true as a product)
    ("a letter D written alone is no operator", "$$D(x + 1) = D x + D$$\n", "p.md", 1, "ok"),
    ("a dropped index term is caught", CROSS_ENTROPY.replace("p_i - y_i", "-y_i (1 - p_i)"), "p.md", 3, "wrong"),
    ("a name set inside a sentence does not take over the chain", "(x^3)'=3x^2\n【 t=x^3 とおいた 】\n=3x・x\n",
     "p.txt", 3, "ok"),
    ("∂ with a subscript", "$$L = z^2 + 3z$$\n$$\\partial_{z} L = 2z + 3$$\n", "p.md", 2, "ok"),
    ("∂ with a subscript, wrong", "$$L = z^2 + 3z$$\n$$\\partial_z L = 2z - 3$$\n", "p.md", 2, "wrong"),
    ("∂ with a slash in LaTeX", "$$L = z^2 + 3z$$\n$$\\partial L / \\partial z = 2z + 3$$\n", "p.md", 2, "ok"),
    ("∂ with a slash in plain text, wrong", "L = z^2 + 3z\n∂L/∂z = 2z - 3\n", "p.txt", 2, "wrong"),
    ("∂ with a slash over a power is not a derivative", "$$y = x^3$$\n$$\\partial y / \\partial x^2 = 3x$$\n",
     "p.md", 2, "unchecked"),
    ("a calligraphic letter is a name", "$$\\mathcal{L} = z^2$$\n$$\\frac{\\partial \\mathcal{L}}{\\partial z} = 2z$$\n",
     "p.md", 2, "ok"),
    ("a calligraphic letter is a name, wrong",
     "$$\\mathcal{L} = z^2$$\n$$\\frac{\\partial \\mathcal{L}}{\\partial z} = z$$\n", "p.md", 2, "wrong"),
    ("∂ over an accented letter", "$$\\hat{y} = z^2$$\n$$L = 3\\hat{y}$$\n$$\\frac{\\partial L}{\\partial \\hat{y}} = 3$$\n",
     "p.md", 3, "ok"),
    ("∂ over an accented letter, wrong", "$$L = 3\\hat{y}$$\n$$\\frac{\\partial L}{\\partial \\hat{y}} = 2$$\n",
     "p.md", 2, "wrong"),
    ("∂ over a bold letter is a vector's gradient", "$$\\frac{\\partial \\mathbf{x}^2}{\\partial \\mathbf{x}} = 2\\mathbf{x}$$\n",
     "p.md", 1, "unchecked"),
    ("∂ with a bold subscript", "$$L = \\mathbf{w}^2$$\n$$\\partial_{\\mathbf{w}} L = 2\\mathbf{w}$$\n", "p.md", 2, "unchecked"),
    ("an array that is the whole display", "$$\\begin{array}{ll} \\dfrac{d}{dz} \\sinh z &= \\cosh z \\\\ "
     "&= \\cosh z \\end{array}$$\n", "p.md", 1, "ok"),
    ("an array that is the whole display, wrong", "$$\\begin{array}{ll} \\dfrac{d}{dz} z^2 &= 2z \\\\ "
     "&= 3z, \\end{array}$$ which ends it.\n", "p.md", 1, "wrong"),
    # an array behind \\left\\{ typesets cases: read as such (f is a step, f' = 0 off the kink)
    ("an array behind a left brace is read as cases", "$$f(x) = \\left\\{\\begin{array}{ll} 1 & x > 0 \\\\ 0 & x < 0 "
     "\\end{array}\\right.$$\n$$f'(x) = 1$$\n", "p.md", 2, "wrong"),
    ("letter superscripts in plain text", "y = e⁻ˣ\ndy/dx = -e⁻ˣ\n", "p.txt", 2, "ok"),
    ("letter superscripts in plain text, wrong", "y = e²ˣ\ndy/dx = e²ˣ\n", "p.txt", 2, "wrong"),
    # a sentence's math is judged only where both its ends are certain: after Japanese text (or a colon) up
    # to the end of the line, or up to Japanese that says it holds (となる, とおくと, なので); English words
    # around it may belong to it
    # (`i=jのとき`: about one entry of an indexed formula, which this is not)
    ("an equation inside a Japanese sentence", "y=e^x のとき、i=jのとき dy/dx=2e^x となる。\n", "p.txt", 1, "unchecked"),
    ("an equation inside a Japanese sentence, wrong", "y=e^x のとき、dy/dx=2e^x となる。\n", "p.txt", 1, "wrong"),
    ("an equation inside a Japanese sentence, right", "y=e^x のとき、dy/dx=e^x となる。\n", "p.txt", 1, "ok"),
    ("an equation after Japanese text to the end of the line", "(3x – 4)^50 の微分は 50(3x – 4)^49 * 3 = 150(3x – 4)^49\n",
     "p.txt", 1, "ok"),
    ("an equation after Japanese text to the end of the line, wrong", "(3x – 4)^50 の微分は 50(3x – 4)^49 * 3 = 150(3x – 4)^50\n",
     "p.txt", 1, "wrong"),
    ("a whole line of math with a Japanese tail", "tan(x)=sin(x)/cos(x) なので\n", "p.txt", 1, "ok"),
    ("a whole line of math with a Japanese tail, wrong", "tan(x)=cos(x)/sin(x) なので\n", "p.txt", 1, "wrong"),
    ("an equation after a colon", "f(x) = x^3 + x\nso we have: f'(x) = 3x^2 + 1\n", "p.txt", 2, "ok"),
    ("an equation after a colon, wrong", "f(x) = x^3 + x\nso we have: f'(x) = 3x^2\n", "p.txt", 2, "wrong"),
    ("an equation among English words", "We get f(x) = x if x ≥ 0 (identity function)\n", "p.txt", 1, "unchecked"),
    ("a bracket cut by Japanese text is not delimited", "yi=e^xi/Σe^xj(jは1からn)をxjで微分する\n", "p.txt", 1, "unchecked"),
    ("two definitions side by side in a sentence", "f(x)=(1/3)x^3 g(x)=tan(x) とすると\n", "p.txt", 1, "unchecked"),
    ("a plain exponent of several digits", "y = (3x - 4)^50\ndy/dx = 150(3x - 4)^49\n", "p.txt", 2, "ok"),
    ("a plain exponent of several digits, wrong", "y = (3x - 4)^50\ndy/dx = 50(3x - 4)^49\n", "p.txt", 2, "wrong"),
    # `1 / 1 + exp(-x)`: read as written it is 1 + e^{-x}, and the derivative after it would be called wrong
    ("a product raised in plain text after a label", "公式: (x^n)' = nx^(n-1)\n", "p.txt", 1, "ok"),
    ("a product raised in plain text after a label, wrong", "公式: (x^3)' = 2xx^1\n", "p.txt", 1, "wrong"),
    ("a definition ending in として", "ここでは g(x) = x^2 + 1 として\ng'(x) = 2x\n", "p.txt", 2, "ok"),
    ("a definition ending in として, wrong", "ここでは g(x) = x^2 + 1 として\ng'(x) = 2x + 1\n", "p.txt", 2, "wrong"),
    ("a denominator without its brackets", "f(x) = 1 / 1 + exp(-x)\nf'(x) = exp(-x)/(1+exp(-x))^2\n", "p.txt", 1,
     "unchecked"),
    ("a glued argument before / is left unread", "y = tanx/2\ndy/dx = 1/(2cos^2(x/2))\n", "p.txt", 2, "unchecked"),
    ("a denominator without its brackets, glued arguments", "f(x) = 1-sinx/1+sinx\n", "p.txt", 1, "unchecked"),
    ("a function's name with its argument glued on", "u = cosx\ndu/dx = -sinx\n", "p.txt", 2, "ok"),
    ("a function's name with its argument glued on, wrong", "u = cosx\ndu/dx = sinx\n", "p.txt", 2, "wrong"),
    ("plain cases after the last =", "f(x) = {x(x > 0), 0(x <= 0)\nf'(x) = 1 (x > 0), 0 (x < 0)\n", "p.txt", 2, "ok"),
    ("plain cases after the last =, wrong", "max(0, x) = {x(x > 0), 0(x <= 0)\n= 1(x > 0), 0(x < 0)\n", "p.txt", 2,
     "wrong"),
    ("a range of an index after a claim", "$$p_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}} \\quad (i=1,2,\\dots,n)$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_i} = p_i(1-p_i)$$\n", "p.md", 2, "ok"),
    ("a range of an index on its own line", "\\hspace{2em} (i=0,\\cdots,J-1)\n", "p.md", 1, None),
    # `a = b \ \ \ c = d`: claims spaced apart on one line are separate claims, not one chain
    ("claims spaced apart by explicit spaces", "$\\frac{d}{dx} x^2 = 2x\\ \\ \\ \\frac{d}{dx} x^3 = 3x^2$\n",
     "p.md", 1, "ok"),
    ("claims spaced apart by explicit spaces, wrong", "$\\frac{d}{dx} x^2 = 2x\\ \\ \\ \\frac{d}{dx} x^3 = 2x^2$\n",
     "p.md", 1, "wrong"),
    ("a superscript T is a transpose, not a power", "$$\\frac{\\partial s(w^Tx_i)}{\\partial w} = x_i(1 - s(w^Tx_i))s(w^Tx_i)$$\n", "p.md", 1,
     "unchecked"),
    ("a superscript (i) labels a sample", "$$z = w x + b$$\n$$z^{(i)} = w x^{(i)} + b$$\n",
     "p.md", 2, "unchecked"),
    ("an exponent in brackets on e is still a power", "$$\\frac{d}{dx} e^{(2x)} = 2e^{2x}$$\n", "p.md", 1, "ok"),
    ("a name the text never defines under a derivative may depend on the variable",
     "$$\\frac{\\partial y}{\\partial a} = \\frac{\\partial}{\\partial a} \\frac{e^{a}}{u}$$\n"
     "$$= \\frac{e^{a} u - e^{2a}}{u^2}$$\n", "p.md", 2, None),
    ("an exponent a text layer put on the next line", "g(x) = (x-1)\n2\n= 10\n= 2x-2\n", "p.txt", 4, None),
    ("a name set by a formula not read is not a free letter", "y = tan^-1(1/2tanx/2)\nいま、 f(x)=y とおくと\n"
     "{log|f(x)|}'=d(log|y|)/dx\n=(1/y)*y'\n={1/f(x)}*f'(x)\n", "p.txt", 5, None),
    ("a name set by a formula not read, then set again", "y = tan^-1(1/2tanx/2)\ny = x^2\ndy/dx = x\n", "p.txt", 3, "wrong"),
    ("a function's name glued to an argument before /", "y = tanx/2\ndy/dx = 1/2\n", "p.txt", 2, "unchecked"),
    ("a square flattened after a bracket", "g(x) = (x-1)2\ng'(x) = 2\n", "p.txt", 1, "unchecked"),
    # programmers' names in plain text: a family w1, w2 of subscripted names, a_h1, dET/da_o1
    ("names with digits in plain text", "h1 = w1*i1 + w2*i2\ndh1/dw1 = i1\n", "p.txt", 2, "ok"),
    ("names with digits in plain text, wrong", "h1 = w1*i1 + w2*i2\ndh1/dw1 = i2\n", "p.txt", 2, "wrong"),
    ("a subscript of several characters in plain text", "a_h1 = x^3\nda_h1/dx = 3x^2\n", "p.txt", 2, "ok"),
    ("a subscript of several characters in plain text, wrong", "a_h1 = x^3\nda_h1/dx = 3x\n", "p.txt", 2, "wrong"),
    ("a Leibniz fraction over a name of several letters", "E1 = (t1 - y)^2/2\nE2 = (t2 - y)^2/2\nET = E1 + E2\n"
     "dET/dy = 2*y - t1 - t2\n", "p.txt", 4, "ok"),
    ("a Leibniz fraction over a name of several letters, wrong", "E1 = (t1 - y)^2/2\nE2 = (t2 - y)^2/2\n"
     "ET = E1 + E2\ndET/dy = y - t1\n", "p.txt", 4, "wrong"),
    ("a lone x2 beside x is no name", "f(x) = (x^2+3x+1)^4\nf'(x) = 4(x2+3x+1)^3 (2x+3)\n", "p.txt", 2, "wrong"),
    ("a definition chain through the same function again", "a = sigmoid(h) = 1/(1+exp(-h))\n"
     "b = sigmoid(g) = 1/(1+exp(-g))\n", "p.txt", 2, "ok"),
    ("a definition chain through another function of the same name", "a = sigmoid(h) = 1/(1+exp(-h))\n"
     "b = sigmoid(g) = 1/(1+exp(-2*g))\n", "p.txt", 2, "unchecked"),
    ("an entry of a function of a vector", "$$\\sigma(\\mathbf{z})_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n"
     "$$\\frac{\\partial[\\sigma(\\mathbf{a})]_i}{\\partial a_j} = \\sigma(\\mathbf{a})_i(\\delta_{ij} - \\sigma(\\mathbf{a})_j)$$\n",
     "p.md", 2, "ok"),
    ("an entry of a function of a vector, wrong", "$$\\sigma(\\mathbf{z})_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n"
     "$$\\frac{\\partial[\\sigma(\\mathbf{a})]_i}{\\partial a_j} = \\sigma(\\mathbf{a})_i(\\delta_{ij} + \\sigma(\\mathbf{a})_j)$$\n",
     "p.md", 2, "wrong"),
    ("an upright softmax(x) and the max over an index", "$$\\textrm{softmax(x)}_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}"
     " = \\frac{e^{x_i - \\max_k x_k}}{\\sum_j e^{x_j - \\max_k x_k}}$$\n", "p.md", 1, "ok"),
    ("the max over an index, summed over the wrong letter", "$$\\textrm{softmax(x)}_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}"
     " = \\frac{e^{x_i - \\max_k x_k}}{\\sum_i e^{x_j - \\max_k x_k}}$$\n", "p.md", 1, "wrong"),
    ("an indicator 1_{i=j}", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(1_{i=j} - p_j)$$\n", "p.md", 2, "ok"),
    ("an indicator 1_{i \\ne j}, wrong", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(1_{i \\ne j} - p_j)$$\n", "p.md", 2, "wrong"),
    ("a double sum", "$$\\sum_{i, j} x_i y_j = \\sum_i x_i \\sum_j y_j$$\n", "p.md", 1, "ok"),
    ("a double sum, wrong", "$$\\sum_{i, j} x_i y_j = \\sum_i x_i y_i$$\n", "p.md", 1, "wrong"),
    ("an entry of a function of listed entries, with a primed index",
     "$$f_i(y_1,\\cdots,y_J) = \\frac{\\exp(y_i)}{\\sum_{k} \\exp(y_k)}$$\n"
     "$$\\frac{\\partial f_i(y_1,\\cdots,y_J)}{\\partial y_{i'}} = f_i(y_1,\\cdots,y_J)(\\delta_{ii'} - f_{i'}(y_1,\\cdots,y_J))$$\n",
     "p.md", 2, "ok"),
    ("an entry of a function of listed entries, wrong",
     "$$f_i(y_1,\\cdots,y_J) = \\frac{\\exp(y_i)}{\\sum_{k} \\exp(y_k)}$$\n"
     "$$\\frac{\\partial f_i(y_1,\\cdots,y_J)}{\\partial y_{i'}} = f_i(y_1,\\cdots,y_J)(\\delta_{ii'} - f_i(y_1,\\cdots,y_J))$$\n",
     "p.md", 2, "wrong"),
    ("softmax of one entry is that entry of the softmax", "$$f(x_i) = softmax(x_i) = \\frac{e^{x_i}}{\\sum_{j=1}^{n} e^{x_j}}$$\n"
     "$$\\frac{\\partial f(x_i)}{\\partial x_i} = f(x_i)(1 - f(x_i))$$\n", "p.md", 1, "ok"),
    ("softmax summing a term without its index, wrong", "$$f(x_i) = softmax(x_i) = \\frac{e^{x_i}}{\\sum_{j=1}^{n} e^{x_i}}$$\n",
     "p.md", 1, "wrong"),
    ("a definition summing a term without its index defines nothing", "$$Z = \\sum_{j=1}^{n} e^{x_i}$$\n"
     "$$Z = e^{x_1} + e^{x_2} + e^{x_3}$$\n", "p.md", 1, "unchecked"),
    ("a sum of a constant term is n times it", "$$\\sum_{j=1}^{n} \\frac{y_i}{n} = y_i$$\n", "p.md", 1, "ok"),
    ("an index range glued on without a space command", "$$p_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}} (i=1,2,\\dots,n)$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_i} = p_i(1+p_i)$$\n", "p.md", 2, "wrong"),
    ("\\hspace between clauses", "$$f_i = \\frac{\\exp(y_i)}{u}, \\hspace{1em} u = \\sum_k \\exp(y_k) \\hspace{2em} (i=1,\\cdots,J)$$\n"
     "$$\\pdv{f_i}{y_i} = f_i(1 - f_i)$$\n", "p.md", 2, "ok"),
    ("\\pdv, wrong", "$$f_i = \\frac{\\exp(y_i)}{u}, \\hspace{1em} u = \\sum_k \\exp(y_k)$$\n"
     "$$\\pdv{f_i}{y_i} = f_i(1 + f_i)$$\n", "p.md", 2, "wrong"),
    ("a column of a family's entries", "$$\\begin{pmatrix} y_1 \\\\ y_2 \\\\ \\vdots \\\\ y_n \\end{pmatrix} = "
     "\\frac{1}{\\sum_{j=1}^n e^{x_j}} \\begin{pmatrix} e^{x_1} \\\\ e^{x_2} \\\\ \\vdots \\\\ e^{x_n} \\end{pmatrix}$$\n"
     "$$\\frac{\\partial y_i}{\\partial x_j} = -y_i y_j \\quad (i \\ne j)$$\n", "p.md", 2, "ok"),
    ("a column of a family's entries, wrong", "$$\\begin{pmatrix} y_1 \\\\ y_2 \\\\ \\vdots \\\\ y_n \\end{pmatrix} = "
     "\\frac{1}{\\sum_{j=1}^n e^{x_j}} \\begin{pmatrix} e^{x_1} \\\\ e^{x_2} \\\\ \\vdots \\\\ e^{x_n} \\end{pmatrix}$$\n"
     "$$\\frac{\\partial y_i}{\\partial x_j} = y_i y_j \\quad (i \\ne j)$$\n", "p.md", 2, "wrong"),
    ("a matrix that is no column of entries", "$$\\begin{pmatrix} 1 \\\\ x \\end{pmatrix} = \\begin{pmatrix} 1 \\\\ x \\end{pmatrix}$$\n",
     "p.md", 1, "unchecked"),
    ("a new letter at the end of a definition names its value", "$$h_i = \\sum_k e^{a_k} = \\Sigma$$\n"
     "$$\\frac{\\partial \\Sigma}{\\partial a_j} = e^{a_j}$$\n", "p.md", 2, "ok"),
    ("a new letter at the end of a definition names its value, wrong", "$$h_i = \\sum_k e^{a_k} = \\Sigma$$\n"
     "$$\\frac{\\partial \\Sigma}{\\partial a_j} = 2 e^{a_j}$$\n", "p.md", 2, "wrong"),
    ("a letter used before is not a name for the value", "$$y = x^2$$\n$$u = 2x = y$$\n", "p.md", 2, "wrong"),
    ("a bare entry of a function of one vector only", "$$s(\\mathbf x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}$$\n"
     "$$\\frac{\\partial s(\\mathbf x)_i}{\\partial x_i} = s_i(1 - s_i)$$\n", "p.md", 2, "ok"),
    ("a bare entry of a function of one vector only, wrong", "$$s(\\mathbf x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}$$\n"
     "$$\\frac{\\partial s(\\mathbf x)_i}{\\partial x_i} = s_i(1 + s_i)$$\n", "p.md", 2, "wrong"),
    ("a bare entry of a function of two vectors stays unread", "$$\\sigma(\\mathbf z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n"
     "$$\\frac{\\partial \\sigma(\\mathbf a)_i}{\\partial a_i} = \\sigma_i(1 - \\sigma_i)$$\n", "p.md", 2, "unchecked"),
    ("a sum written out with an ellipsis", "$$Z = \\sum_k e^{x_k}$$\n"
     "$$\\frac{\\partial Z}{\\partial x_j} = \\frac{\\partial}{\\partial x_j}(e^{x_1} + e^{x_2} + \\dots + e^{x_j} + \\dots + e^{x_n})"
     " = e^{x_j}$$\n", "p.md", 2, "ok"),
    ("a sum written out with an ellipsis, wrong", "$$Z = e^{x_1} + e^{x_2} + \\cdots + e^{x_n}$$\n"
     "$$\\frac{\\partial Z}{\\partial x_j} = 2 e^{x_j}$$\n", "p.md", 2, "wrong"),
    ("an ellipsis that is no pattern stays unread", "$$x_1 + x_3 + \\dots + x_n = y$$\n", "p.md", 1, "unchecked"),
    ("subscripts p, q are indices, a bare m a size", "$$L = \\frac{1}{m} \\sum_{i, j} t_{ij} x_{ij}$$\n"
     "$$\\frac{\\partial L}{\\partial x_{pq}} = \\frac{1}{m} t_{pq}$$\n", "p.md", 2, "ok"),
    ("subscripts p, q are indices, wrong", "$$L = \\frac{1}{m} \\sum_{i, j} t_{ij} x_{ij}$$\n"
     "$$\\frac{\\partial L}{\\partial x_{pq}} = \\frac{1}{m} t_{qp}$$\n", "p.md", 2, "wrong"),
    ("a bare p stays a quantity", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n$$\\frac{d}{dp} \\log p = \\frac{1}{p}$$\n",
     "p.md", 2, "ok"),
    ("a vector set to the softmax of a vector", "$\\mathbf{p} = \\text{softmax}(\\mathbf{z})$, with one-hot labels.\n"
     "$$\\mathcal{L} = -\\sum_k y_k \\log p_k$$\n$$\\frac{\\partial \\mathcal{L}}{\\partial z_k} = p_k - y_k$$\n", "p.md", 3, "ok"),
    ("a vector set to the softmax of a vector, wrong", "$\\mathbf{p} = \\text{softmax}(\\mathbf{z})$, with one-hot labels.\n"
     "$$\\mathcal{L} = -\\sum_k y_k \\log p_k$$\n$$\\frac{\\partial \\mathcal{L}}{\\partial z_k} = y_k - p_k$$\n", "p.md", 3, "wrong"),
    ("a bold letter on its own is a name", "Let $\\mathbf{A}$ be given.\n$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n"
     "$$\\theta_t = a_{jk} + b_{ij}$$\n$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)$$\n", "p.md", 4, "ok"),
    ("θ_{t-1} is no index", "$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\n$$\\theta_t = \\theta_{t-1} + a_{jk}$$\n"
     "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(\\delta_{ij} - p_j)$$\n", "p.md", 3, "ok"),
    ("plain TeX's \\over in a group", "$$f(x)={1 \\over 1+e^{-x}}$$\n$$f'(x)={e^{-x} \\over (1+e^{-x})^2}$$\n",
     "p.md", 2, "ok"),
    ("plain TeX's \\over in a group, wrong", "$$f(x)={1 \\over 1+e^{-x}}$$\n$$f'(x)={e^{x} \\over (1+e^{-x})^2}$$\n",
     "p.md", 2, "wrong"),
    ("δ written for d, a function named without its argument",
     "$${\\delta Tanh \\over \\delta x}=1-Tanh^2(x)$$\n", "p.md", 1, "ok"),
    ("δ written for d, wrong", "$${\\delta Tanh \\over \\delta x}=1+Tanh^2(x)$$\n", "p.md", 1, "wrong"),
    ("an \\over outside braces is not read", "$$y = 1 \\over x$$\n", "p.md", 1, "unchecked"),
    ("a bare array on its own line is a display",
     "導出。\n\\begin{array}{rll} (\\sin x)^{\\prime}&=&\\cos x \\\\ \\\\ (e^x)^{\\prime}&=&e^x \\end{array}\n", "p.md", 2, "ok"),
    ("a bare array on its own line is a display, wrong",
     "導出。\n\\begin{array}{rll} (\\sin x)^{\\prime}&=&\\cos x \\\\ \\\\ (e^x)^{\\prime}&=&xe^x \\end{array}\n", "p.md", 2, "wrong"),
    ("an array inside a sentence is not math", "see \\begin{array}{l} a = b \\end{array} here\n", "p.md", 1, None),
    ("the prime of f(x) is in the x written", "$$f(x)=c$$\n$$\\Bigl(f(x) \\Bigr)^{\\prime} = \\lim_{h} 0 \\\\ = 0$$\n",
     "p.md", 2, "ok"),
    ("the prime of f(x) is in the x written, wrong", "$$f(x)=x^2$$\n$$(f(x))^{\\prime} = 3x$$\n", "p.md", 2, "wrong"),
]


@pytest.mark.parametrize("label, text, name, line, verdict", CASES, ids=[c[0] for c in CASES])
def test_reading(label, text, name, line, verdict):
    report = check_text(text, name)
    at = [c for c in report.claims if c.line == line]
    if verdict is None:  # nothing at that line may be an error
        assert not any(c.is_error for c in report.claims), [(c.line, c.text, c.status) for c in report.claims]
        return
    assert at, [(c.line, c.text, c.status) for c in report.claims]
    claim = ([c for c in at if c.kind != "condition"] or at)[-1]  # (a condition is listed after its claim)
    if verdict == "wrong":
        assert claim.is_error, (claim.text, claim.status, claim.reason)
    else:
        assert (claim.status, claim.follows is False) == (verdict, False), (claim.text, claim.status, claim.reason)
    # nothing else in the document is called wrong
    assert [c.line for c in report.claims if c.is_error] in ([], [line])


def test_every_reason_has_a_short_label_in_both_languages():
    import tomllib
    from pathlib import Path

    import derivator.i18n

    root = Path(derivator.i18n.__file__).parent
    for lang in ("en", "ja"):
        table = tomllib.loads((root / lang / "check.toml").read_text(encoding="utf-8"))
        assert set(table["reason"]) == set(table["reason_label"]), lang


def test_summary_counts_every_equation_and_names_the_top_reasons():
    from derivator.present.check_report import render

    text = "$$f(x) = x^2$$\n$$f'(x) = 2x$$\n$$g'(x) = 1$$\n"
    report = check_text(text, "p.md")
    assert "3 equations: 2 right, 0 wrong, 1 unchecked. Unchecked: 1 not understood." in render(report, "markdown", "en")
    assert "式 3 個: 正しい 2 個、誤り 0 個、未判定 1 個。未判定の理由: 解釈できない式 1 個。" in render(report, "markdown", "ja")


def test_a_wrong_line_echoes_how_it_was_read():
    from derivator.present.check_report import render, report_dict

    report = check_text("$$f(x) = x^3$$\n$$f'(x) = 3x^{3}$$\n", "p.md")
    wrong = report_dict(report, "en")["claims"][-1]
    assert (wrong["status"], wrong["read_as"]) == ("wrong", "3 x^{3}")
    assert "read as: $3 x^{3}$" in render(report, "markdown", "en")
    assert "読み取った式: $3 x^{3}$" in render(report, "markdown", "ja")


def test_a_missing_prime_is_named_and_the_next_line_reads_on():
    text = ("$$\\frac{d}{dx} \\frac{1}{1+e^{-x}} = -\\frac{1}{(1+e^{-x})^2} (1+e^{-x})$$\n"
            "$$= -\\frac{1}{(1+e^{-x})^2}(-e^{-x})$$\n")
    report = check_text(text, "p.md")
    first, second = report.claims[0], report.claims[-1]
    assert first.status == "wrong" and first.diagnosis.kind == "missing_prime"
    assert first.diagnosis.params["group"] == "1+e^{-x}"
    assert second.status == "ok" and second.follows is not False  # read on from the corrected line 1
    # a sign slip is no missing prime: the line after it still does not follow (seed 001's two slips)
    slipped = check_text("$$\\frac{d}{dx} e^{-x} = e^{-x}$$\n$$= -e^{-x}$$\n", "p.md")
    assert slipped.claims[0].diagnosis is None or slipped.claims[0].diagnosis.kind != "missing_prime"
    assert slipped.claims[-1].follows is False


@pytest.mark.parametrize("line, kind, params", [
    ("$$\\frac{d}{dx}\\tanh x = 1 + \\tanh^2 x$$", "tanh_identity",
     {"term": "\\tanh^{2}(x)", "identity": "\\frac{d}{dx}\\tanh x = 1 - \\tanh^{2} x"}),
    ("$$\\frac{d}{dx} (x^2 - e^{x}) = 2x + e^{x}$$", "sign_term", {"term": "e^{x}"}),
    ("$$\\frac{d}{dx} x^3 = 3x^3$$", "power_exponent", {"power": "x^{3}", "meant": "x^{2}"}),
    ("$$\\frac{d}{dx} x^{-2} = -2x^{-1}$$", "power_exponent", {"power": "\\frac{1}{x}", "meant": "\\frac{1}{x^{3}}"}),
])
def test_one_slip_is_named_exactly(line, kind, params):
    (claim,) = check_text(line + "\n", "p.md").claims
    assert claim.status == "wrong" and claim.diagnosis.kind == kind and claim.diagnosis.params == params


def test_no_single_slip_is_claimed_when_two_things_differ():
    (claim,) = check_text("$$\\frac{d}{dx} (x^3 - e^{x}) = 3x^3 + e^{x}$$\n", "p.md").claims
    assert claim.status == "wrong" and (claim.diagnosis is None or claim.diagnosis.kind not in ("sign_term", "power_exponent"))


def test_math_in_a_sentence_is_listed_with_its_reason():
    report = check_text("Σe^xj(jは1からn)=Aとおくと ∂yi/∂xi=e^xiA⁻¹ーe^xie^xiA⁻²=yiーyi²\n", "p.txt")
    texts = [c.text for c in report.claims if c.line == 1]
    assert "∂yi/∂xi = e^xiA⁻¹ーe^xie^xiA⁻²" in texts and "= yiーyi²" in texts
    assert {c.reason.kind for c in report.claims if c.status == "unchecked"} == {"in_sentence"}


def test_conditions_next_to_a_claim_are_listed():
    report = check_text("$$\\frac{\\partial a_j}{\\partial z_i} = a_i(1 - a_i), \\quad i = j$$\n"
                        "$$y = x^2 \\quad (i=1,2,\\ldots,n)$$\n", "p.md")
    listed = {(c.line, c.text): c.kind for c in report.claims}
    assert listed[(1, "i = j")] == "condition"
    assert listed[(2, "i=1,2,\\ldots,n")] == "condition"


def test_conditions_and_values_are_listed_as_conditions():
    report = check_text("$$p_i = \\frac{e^{z_i}}{\\sum_k e^{z_k}}$$\nFor $i = j$:\n"
                        "$$\\frac{\\partial p_i}{\\partial z_j} = p_i(1-p_i)$$\nAt $x = 0.5$: $e^{-x} = 0.6065$.\n", "p.md")
    listed = {(c.line, c.text): c.kind for c in report.claims}
    assert listed[(2, "i = j")] == "condition"
    assert listed[(4, "x = 0.5")] == "condition"
    assert not any(c.is_error for c in report.claims)


def test_plain_names_are_shown_as_written():
    # the reader gets w_{1}, \frac{d h_{1}}{d w_{1}}; the report shows the post's own text
    report = check_text("h1 = w1*i1 + w2*i2\ndh1/dw1 = i1\n", "p.txt")
    assert [c.text for c in report.claims] == ["h1 = w1*i1 + w2*i2", "dh1/dw1 = i1"]
    assert report.claims[1].status == "ok"


def test_plain_lines_with_unknown_names_are_listed():
    # a `= …` line of its own with names the reader does not know (Sum_k, D_ij), and a doubled `==` in a
    # Japanese sentence: listed with a reason, never skipped, never wrong
    report = check_text("p_j = exp(o_j) / Sum_k(exp(o_k))\n第1項を書く。\n= D_ij * exp(o_j) / Sum_k(exp(o_k))\n"
                        "i≠jのとき ∂yi/∂xj=ーe^xie^xjA⁻²==ーyiyj\n", "p.txt")
    listed = {(c.line, c.text) for c in report.claims}
    assert (3, "= D_ij * exp(o_j) / Sum_k(exp(o_k))") in listed
    assert (4, "= ーyiyj") in listed
    assert not any(c.is_error for c in report.claims)
