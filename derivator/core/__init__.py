"""The bottom layer: errors, budgets, the trace (Step, Derivation), σ and friends, the textbook printer."""
