"""Jinja2 document templates (shipped in the wheel as derivator.templates)."""
