"""Helpers for codebook tests: write a codebook text to a file and collect its problems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qcode.codebook.schema import validate_codebook

#: A small valid codebook; tests change one line at a time so line numbers stay known.
VALID = """\
name: test
version: 1
codes:
- id: money
  name: money
  colour: '#112233'
  description: Money.
- id: wages
  name: wages
  parent: money
  hotkey: w
  colour: '#445566'
  description: Pay.
  keywords: [salary, pay]
  example: {text: "Our monthly wage is of 360 dirhams.", interviewee: A}
- id: bribery
  name: bribery
  parent: money
  hotkey: b
  colour: '#778899'
  description: Bribes.
"""

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write text (or bytes) to ``tmp_path/name`` and return the path."""

    def _write(content: str | bytes, name: str = "cb.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def problems(write: Write) -> Callable[..., list[str]]:
    """The problems of a codebook text, as the strings a user sees."""

    def _problems(content: str | bytes, name: str = "cb.yaml") -> list[str]:
        return [str(problem) for problem in validate_codebook(write(content, name))]

    return _problems
