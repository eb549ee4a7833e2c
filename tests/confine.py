"""A pytest plugin: a test that reads or lists a file beside the checkout fails.

The tests once read the source report from ``../shared/seeds/`` beside the checkout. CI clones
next to that folder, so nothing failed there, while a fresh clone anywhere else failed. An audit
hook (PEP 578) sees every ``open`` and directory listing made in the test process; one whose path
lies under the checkout's parent folder but outside the checkout (and outside the temporary folder,
the interpreter and the user's caches) is recorded, and the test, fixture or module that made it
fails with the path. Everything a test needs ships in the repository or the installed package.
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
import tempfile
from collections.abc import Generator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: Audit events that name a path a test reads, writes or lists.
_EVENTS = frozenset({"open", "os.listdir", "os.scandir"})


def _roots_allowed() -> tuple[str, ...]:
    """Folders a test may touch even where they lie beside the checkout."""
    roots = {
        str(REPO),
        tempfile.gettempdir(),
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *sysconfig.get_paths().values(),
        *site.getsitepackages(),
        site.getusersitepackages(),
    }
    home = Path.home()
    roots |= {str(home / name) for name in (".cache", ".config", ".local")}
    allowed = {os.path.realpath(r) + os.sep for r in roots if r}
    # a root holding the checkout's parent (a clone in /tmp/x/) would excuse everything beside it
    return tuple(sorted(r for r in allowed if not (_FENCE or "").startswith(r)))


def _fenced() -> str | None:
    """The folder beside the checkout to watch (None where that would be the root: nothing to tell)."""
    parent = os.path.realpath(REPO.parent)
    return None if parent == os.sep else parent + os.sep


_FENCE = _fenced()
_ALLOWED = _roots_allowed()
_escapes: list[str] = []


def _escape(path: object) -> str | None:
    """The absolute path if it lies beside the checkout and is not allowed, else None."""
    if isinstance(path, int) or path is None or _FENCE is None:
        return None
    try:
        raw = os.fsdecode(os.fspath(path))  # type: ignore[arg-type]
    except TypeError:
        return None
    full = os.path.abspath(raw) + os.sep
    if not full.startswith(_FENCE) or full.startswith(_ALLOWED):
        return None
    return full.rstrip(os.sep)


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event in _EVENTS and args:
        escaped = _escape(args[0])
        if escaped is not None:
            _escapes.append(escaped)


sys.addaudithook(_hook)


def _check(what: str) -> None:
    if _escapes:
        seen = sorted(set(_escapes))
        _escapes.clear()
        pytest.fail(
            f"{what} read outside the checkout {REPO}: {', '.join(seen)} "
            "(ship what tests need in the repository; see tests/confine.py)",
            pytrace=False,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    _escapes.clear()
    yield
    _check(f"setting up {item.nodeid}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    _escapes.clear()
    yield
    _check(item.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    _escapes.clear()
    yield
    _check(f"tearing down {item.nodeid}")


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    _escapes.clear()
    report = yield
    if _escapes and report.passed:
        seen = sorted(set(_escapes))
        _escapes.clear()
        report.outcome = "failed"
        report.longrepr = f"collecting {collector.nodeid} read outside the checkout {REPO}: {', '.join(seen)}"
    return report
