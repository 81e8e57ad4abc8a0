"""derivator: verified, step-by-step derivations of activation functions and any expression."""

# Derivations display themselves in Jupyter through present/'s dispatcher; core cannot import present
# (the layers run one way), so the dispatcher registers itself with core/display.py when imported here.
# It is light: the renderers it names are imported only when used.
from derivator.present import dispatch as _dispatch  # noqa: F401

__version__ = "0.1.0"
