"""Errors are plain exceptions that cross a process boundary whole (the sandbox pickles them)."""

import pickle

import pytest

from derivator.core import errors


@pytest.mark.parametrize("cls", [errors.DerivatorError, errors.ParseError, errors.InterpretError,
                                 errors.UnsupportedError, errors.LimitError])
def test_every_error_pickles_with_all_its_fields(cls):
    err = cls("cannot read 'x+'", "column 3", "finish the expression", 2)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.what, back.where, back.hint, back.exit_code) == ("cannot read 'x+'", "column 3", "finish the expression", 2)
    assert str(back) == "cannot read 'x+' at column 3 — finish the expression"


def test_keyword_arguments_and_defaults():
    err = errors.DerivatorError("no rule", hint="try --expand")
    assert err.where is None and err.exit_code == 2 and str(err) == "no rule — try --expand"
