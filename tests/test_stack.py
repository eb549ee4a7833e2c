"""Heavy imports on a fresh call stack: the caller gets the result or the exception, as from a plain call."""

from __future__ import annotations

import inspect
import sys
import threading

import pytest

from qcode.stack import on_fresh_stack, preload


def test_the_result_comes_back_from_a_shallow_stack_on_another_thread() -> None:
    def deep(n: int) -> tuple[int, str]:
        if n:
            return deep(n - 1)
        return on_fresh_stack(lambda: (len(inspect.stack()), threading.current_thread().name))

    depth, thread = deep(50)
    assert thread != threading.current_thread().name
    assert depth < 10 < len(inspect.stack()) + 50


def test_the_exception_is_raised_in_the_caller() -> None:
    def fail() -> None:
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        on_fresh_stack(fail)


def test_preload_leaves_the_module_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)  # a small module nothing here holds
    preload("colorsys")
    assert "colorsys" in sys.modules
