"""Every step id a derivation can record, in one place (the model is mathsteps' ChangeTypes).

A step id names the move a line makes ("chain", "rewrite.fold"); the words for it live in i18n/
(`[name]` and `[say]` under the id with "." written as "_"), never in the code that records it.
Ids are `StrEnum` members, so a Step's `rule` compares, prints and serialises as the plain string it
always was ("chain" in JSON), and a typo in the code is an AttributeError instead of a raw id on screen.

tests/test_step_ids.py fails when an id here lacks words in a language, and when a trace records an id
that is not here.
"""

from __future__ import annotations

from enum import StrEnum


class StepId(StrEnum):
    # -- the start of a derivation (pipeline) ----------------------------------------------------------
    DEFINITION = "definition"
    PREVIOUS_ORDER = "previous_order"
    # typed input: a sub-expression that is a catalog function's definition, written as that function
    REWRITE_RECOGNISE = "rewrite.recognise"

    # -- differentiation rules (engine/rules) -----------------------------------------------------------
    CONSTANT = "constant"
    VARIABLE = "variable"
    CONSTANT_MULTIPLE = "constant_multiple"
    SUM = "sum"
    PRODUCT = "product"
    QUOTIENT = "quotient"
    POWER = "power"
    GENERAL_POWER = "general_power"
    EXP = "exp"
    LOG = "log"
    TRIG = "trig"
    INVERSE_TRIG = "inverse_trig"
    HYPERBOLIC = "hyperbolic"
    INVERSE_HYPERBOLIC = "inverse_hyperbolic"
    ERF = "erf"
    ABS = "abs"
    LEMMA = "lemma"
    CHAIN = "chain"
    # a nested composition through named inner functions u_1, u_2, … (engine/tracer)
    CHAIN_NAMED = "chain.named"
    # the named inner functions written back out where the result stays short (engine/tracer)
    CHAIN_WRITE_BACK = "chain.write_back"
    PIECEWISE = "piecewise"
    # the explicit end of the strategies: no rule covers this part (never verified)
    DONT_KNOW = "dont_know"
    # several elementary derivatives done in one line (engine/tracer)
    ELEMENTARY = "elementary"

    # -- rewrites before a rule (engine/rules: RewriteRule) ------------------------------------------------
    REWRITE_NEGATIVE_POWER = "rewrite.negative_power"
    REWRITE_CASES = "rewrite.cases"
    REWRITE_DEFINITION = "rewrite.definition"

    # -- rewrites after the rules (engine/rewrites) ----------------------------------------------------------
    REWRITE_ONE_VALUE = "rewrite.one_value"
    REWRITE_MULTIPLY = "rewrite.multiply"
    REWRITE_SPLIT_PRODUCT = "rewrite.split_product"
    REWRITE_ADD_SUBTRACT = "rewrite.add_subtract"
    REWRITE_SPLIT_FRACTION = "rewrite.split_fraction"
    REWRITE_CANCEL = "rewrite.cancel"
    REWRITE_FOLD = "rewrite.fold"
    REWRITE_SIMPLIFY = "rewrite.simplify"
    REWRITE_FACTOR = "rewrite.factor"

    # -- values at region boundaries (pipeline) ------------------------------------------------------------
    JOINS = "joins"
    KINK = "kink"

    # -- the derivative in terms of y = f(x) (engine/output_form) ------------------------------------------
    OUTPUT_SUBSTITUTE = "output.substitute"
    OUTPUT_INVERT = "output.invert"
    OUTPUT_REGIONS = "output.regions"
    OUTPUT_KERNEL = "output.kernel"
    OUTPUT_SIMPLIFY = "output.simplify"
    OUTPUT_ELIMINATE = "output.eliminate"

    # -- loss functions (analysis/losses) ------------------------------------------------------------------
    LOSS_LOG_CHAIN = "loss.log_chain"
    LOSS_CHAIN_SUM = "loss.chain_sum"
    LOSS_KRONECKER_DERIVATIVE = "loss.kronecker_derivative"
    LOSS_KRONECKER_SUM = "loss.kronecker_sum"
    LOSS_SPLIT_SUM = "loss.split_sum"
    LOSS_CONSTRAINT = "loss.constraint"

    @property
    def i18n_key(self) -> str:
        """The key of this id's words in the `[name]` and `[say]` tables of every language."""
        return self.value.replace(".", "_")
