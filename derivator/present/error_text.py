"""The one-line errors of the command line said in the reader's language: the messages derivator and
typer write in English (derivator.core.errors, the parser, click's usage errors) matched as patterns, each
part said with the words of i18n/<lang>/errors.toml. A message not listed stays as it is, and a hint no
table has is left out rather than shown in English (as check reports do with the parser's messages)."""

from __future__ import annotations

import re

from derivator.i18n import t
from derivator.present.check_report import detail_text

# whole messages (their `what`), most specific first; a group named what/hint/message is a message itself
MESSAGES = {
    "applies_only": r"(?P<option>--\S+(?: \S+)?) applies only with (?P<needs>--[\w-]+(?: [\w-]+)?)",
    "applies_one_of": r"(?P<option>--\S+(?: \S+)?) applies only with (?P<needs>--[\w-]+) (?P<values>.+) or (?P<last>\S+)",
    "applies_to_table": r"(?P<option>--\S+(?: \S+)?) applies only to the table",
    "unknown_function": r"unknown function '(?P<name>[^']+)'",
    "unknown_loss": r"unknown loss '(?P<name>[^']+)'",
    "unknown_language": r"unknown language '(?P<name>[^']+)'",
    "no_parameter": r"(?P<name>\S+) has no parameter '(?P<param>[^']+)'",
    "param_form": r"--param expects name=value, got '(?P<value>.*)'",
    "param_twice": r"--param (?P<name>\S+) is given twice \((?P<first>.+) and (?P<second>.+)\)",
    "param_catalog_only": r"--param applies to catalog names only",
    "not_a_variable": r"--var '(?P<name>.*)' is not a variable name",
    "no_dependence": r"the expression does not depend on (?P<var>\S+)",
    "order_range": r"order (?P<order>-?\d+) is out of range",
    "time_limit": r"gave up after (?P<seconds>[\d.]+) s of work \(time limit\)",
    "memory_limit": r"ran out of memory \(limit (?P<limit>[^)]+)\)(?: before an answer)?",
    "is_directory": r"is a directory",
    "no_such_file": r"no such file",
    "directory": r"is a directory, not a document",
    "write_directory": r"cannot write to '(?P<name>.+)': it is a directory",
    "code_format": r"--format (?P<format>\S+) writes code",
    "not_ours": r"'(?P<name>.+)' exists and was not made by derivator",
    # typer's (click's) usage errors
    "invalid_choice": r"Invalid value for '(?P<option>[^']+)'(?: / '[^']+')?: '(?P<value>.*)' is not one of (?P<values>.+)",
    "invalid_value": r"Invalid value for '(?P<option>[^']+)'(?: / '[^']+')?: (?P<message>.+)",
    "not_an_integer": r"'(?P<value>.*)' is not a valid int(?:eger)?\.?",
    "not_a_number": r"'(?P<value>.*)' is not a valid float\.?",
    "no_such_option_guess": r"No such option: (?P<option>\S+)\s+(?:Did you mean (?P<guess>\S+)\?|\(Possible options: (?P<guesses>.+)\))",
    "no_such_option": r"No such option: (?P<option>\S+)",
    "needs_value": r"Option '(?P<option>[^']+)' requires an argument\.",
    "missing_argument": r"Missing argument '(?P<name>[^']+)'\.",
    "no_such_command": r"No such command '(?P<name>[^']+)'\.",
    "extra_argument": r"Got unexpected extra arguments? \((?P<args>.+)\)",
}
HINTS = {
    "list": r"see 'derivator list'(?: and the README for the names derivator knows)?",
    "did_you_mean": r"did you mean (?P<names>.+?)\? ?",
    "add_or_leave": r"add (?P<needs>(?:(?! or ).)+), or leave (?P<option>.+) out",
    "variable_name": r"use a name such as x or z",
    "param_example": r"e\.g\. (?P<example>--param \S+)",
    "its_parameters": r"its parameters: (?P<names>.+)",
    "no_parameters": r"it has no parameters",
    "use_range": r"use (?P<low>-?\d+) to (?P<high>-?\d+)",
    "use_one_of": r"use one of (?P<names>.+)",
    "derivative_zero": r"its derivative in (?P<var>\S+) is 0; use --var (?P<other>\S+)",
    "constant": r"the expression is a constant; its derivative is 0",
    "write_values": r"write the values into the expression",
    "time_limit": r"the input may be too large to work on; raise the limit with --timeout",
    "memory_limit": r".*raise the limit with --max-memory",
    "brackets": r"check the brackets and operators; .*",
    "add_missing": r"add the missing '(?P<bracket>.)'",
    "name_a_file": r"name a file",
    "give_a_file": r"give a file, or a shell glob such as (?P<glob>\S+)",
    "text_formats": r"--facts and --expand-lemmas go with text formats",
    "plot_goes_there": r"the document's plot goes there: move it away, or pass --force to replace it",
}
_NESTED = {"message"}


def _said(text: str, table: dict[str, str], section: str, lang: str) -> str | None:
    for key, pattern in table.items():
        m = re.fullmatch(pattern, text, flags=re.S)
        if m is not None:
            parts = {name: said_message(value, lang) if name in _NESTED else value
                     for name, value in m.groupdict("").items()}
            return t(f"error.{section}.{key}", lang, **parts)
    return None


def said_message(what: str, lang: str) -> str:
    """A message without its hint or place, in `lang`; as it is when no table has it."""
    said = _said(what, MESSAGES, "message", lang)
    return said if said is not None else detail_text(what, lang)


def _placed(what: str, lang: str) -> str:
    """A message with its place in `lang`: "… at column 3", "… at post.md", or a file's name before it
    ("post.md: …", as `check` of several files writes it), when what is left is a message a table has."""
    whole = _said(what, MESSAGES, "message", lang)  # ("Invalid value for '--order': …" has a colon of its own)
    if whole is not None:
        return whole
    named = re.fullmatch(r"(?P<where>[^:\s][^:]*): (?P<what>.+)", what, flags=re.S)
    if named is not None:
        rest = _placed(named["what"], lang)
        if rest != named["what"]:
            return t("error.where.file", lang, where=named["where"]) + rest
    at = re.fullmatch(r"(?P<what>.+) at (?:column (?P<column>\d+)|(?P<where>.+))", what, flags=re.S)
    if at is not None and (said := said_message(at["what"], lang)) != at["what"]:
        where = (t("error.where.column", lang, column=at["column"]) if at["column"]
                 else t("error.where.file", lang, where=at["where"]))
        return where + said
    return detail_text(what, lang)


def error_line(line: str, lang: str) -> str:
    """One error line ("what at where — hint", as DerivatorError prints) in `lang`."""
    if lang == "en":
        return t("error.prefix", lang) + line
    what, _, hint = line.partition(" — ")
    text = _placed(what, lang)
    hinted = _said(hint, HINTS, "hint", lang) if hint else None
    if hinted is not None:
        text = t("error.with_hint", lang, what=text, hint=hinted)
    return t("error.prefix", lang) + text
