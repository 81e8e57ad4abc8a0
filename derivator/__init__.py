"""derivator: verified, step-by-step derivations of activation functions and any expression."""

__version__ = "0.1.0"
