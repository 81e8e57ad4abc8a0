"""The only place that knows output formats: LaTeX, Markdown per flavour, terminal, JSON, code."""
