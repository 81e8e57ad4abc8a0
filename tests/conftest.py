"""Shared pytest setup; others add fixtures here. Keep it small.

Its presence alone matters: pytest puts the directory of this root conftest (tests/) on sys.path, so
test modules in any sub-folder can `from validators import katex_errors, ...`.
"""
