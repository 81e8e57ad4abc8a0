"""Shared pytest setup; others add fixtures here. Keep it small.

Its presence alone matters: pytest puts the directory of this root conftest (tests/) on sys.path, so
test modules in any sub-folder can `from validators import katex_errors, ...`.
"""

from __future__ import annotations


import inspect
from pathlib import Path

import pytest

# --- the quick subset: `pytest -m "not slow"` ---------------------------------------------------------
# Marked here, in one place, by rule rather than by hand in every module, so the subset stays quick as
# tests are added: a TeX compile, a test parametrized over catalog entries beyond a few representatives,
# and the known heavy runs (property tests, whole corpora) are `slow`. CI runs everything.

# representatives of each kind of entry: smooth and folded (sigmoid), odd (tanh), kinked (relu), with a
# special function and a lemma (gelu)
QUICK_ENTRIES = {"sigmoid", "tanh", "relu", "gelu"}
# files of parametrized scenarios named family-case: one case per family in the quick subset
FAMILY_FILES = {"test_hostile_scenarios.py"}
HEAVY = {
    "test_property.py::test_random_trees_derive_verified",
    "test_evaluate_property.py::test_the_walk_gives_sympys_values",
    "test_hostile.py::test_parsers_on_the_whole_expression_corpus",
    "test_hostile.py::test_check_reads_hostile_documents",
    "test_hostile.py::test_known_slow_inputs_are_stopped_by_the_limit",
    "test_hostile.py::test_command_line_time_limit",
    "test_fuzz_check.py::test_documents",
    "test_check_property.py::test_one_flipped_sign_is_caught_at_its_line",
    "test_check_roundtrip.py::test_one_flipped_sign_in_any_entry_flavour_and_language_is_caught",
    "test_sandbox.py::test_timeout_is_hard",
    "test_sandbox.py::test_time_is_counted_in_cpu_seconds_of_the_worker",
    "test_batch.py::test_results_in_input_order_each_under_its_own_limit",
    "test_batch.py::test_check_jobs_on_the_command_line",
    "test_facts.py::test_every_step_of_the_seed_facts_is_verified",
    "test_facts.py::test_a_limit_sympy_cannot_finish_in_time_is_omitted",
    "test_facts.py::test_cli_facts_json_and_cpu_time",
    "test_compare.py::test_seed_claims_in_the_table",
    "test_compare.py::test_cli_compare_json_and_plot",
    "test_compare.py::test_json_carries_each_functions_facts",
    "test_facts.py::test_latex_math_passes_katex_and_mathjax",
    "test_facts.py::test_markdown_math_passes_katex",
    "test_facts.py::test_cli_facts_markdown_and_plain_derive_unchanged",
    "test_catalog_engine.py::test_every_emitted_string_passes_katex",
    "test_rules.py::test_no_two_consecutive_lines_render_the_same",
    "test_losses.py::test_every_step_and_the_result_are_verified",
    "test_losses.py::test_aliases",
    "test_docs.py::test_cli_doc_notebook_and_blog",
    "test_catalog_cli.py::test_expand_lemmas_derives_sigma_prime_first",
    "test_catalog_cli.py::test_expand_lemmas_latex_is_one_valid_aligned_block",
    "test_catalog_cli.py::test_param_moves_the_kinks",
    "test_catalog_cli.py::test_loss_command",
    "test_catalog_cli.py::test_relu_default_is_pytorchs_zero_and_at_kink_chooses",
    "test_catalog_cli.py::test_list_table",
    "test_catalog_cli.py::test_list_json_has_every_entry_with_its_data",
    "test_catalog_cli.py::test_order_two_in_output_form",
    "test_plot.py::test_cli_plot_writes_the_figure",
    "test_check_report.py::test_cli_exit_codes",
    "test_check_report.py::test_cli_stdin_and_formats",
    "test_render.py::test_every_emitted_string_passes_katex",
    "test_render.py::test_every_emitted_string_passes_mathjax",
    "test_fuzz_check.py::test_any_unicode",
}


# test functions measured as too slow for the quick subset (tests/quick_subset.py rewrites the list)
MEASURED = {line.strip() for line in (Path(__file__).with_name("slow-tests.txt")).read_text().splitlines()
            if line.strip() and not line.startswith("#")}


def _catalog_names() -> set[str]:
    from derivator import catalog

    names: set[str] = set()
    for entry in catalog.entries():
        names.add(entry.name)
    return names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    entries = _catalog_names()
    slow = pytest.mark.slow
    families_seen: set[str] = set()
    measured_seen: set[str] = set()
    tests = Path(__file__).resolve().parent
    for item in items:
        # a family of scenarios (f3-…, f10-…): its first case is quick, the others run in the full suite
        if item.path.name in FAMILY_FILES and hasattr(item, "callspec"):
            family = item.callspec.id.split("-")[0]
            if family in families_seen:
                item.add_marker(slow)
            families_seen.add(family)
        function = getattr(item, "function", None)
        key = f"{item.path.name}::{function.__name__}" if function else item.nodeid
        params = getattr(getattr(item, "callspec", None), "params", {})
        named = {v for v in params.values() if isinstance(v, str) and v in entries}
        try:
            source = inspect.getsource(function) if function else ""
        except (OSError, TypeError):
            source = ""
        if key in HEAVY or (named and not named <= QUICK_ENTRIES) or "latex_compile(" in source:
            item.add_marker(slow)
        # a measured slow function: a parametrized one keeps its first case in the quick subset
        measured = f"{item.path.resolve().relative_to(tests).as_posix()}::{function.__name__}" if function else ""
        if measured in MEASURED:
            if measured in measured_seen or not hasattr(item, "callspec"):
                item.add_marker(slow)
            measured_seen.add(measured)
