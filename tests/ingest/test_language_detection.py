"""Guessing a document's language: the fast count gives exactly what naming every character gave."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from qcode.ingest.languages import _ENGLISH, _SPANISH, detect_language


def _by_every_character(text: str) -> str:
    """The first way: one Unicode name per character of the sample (the reference)."""
    sample = text[:20_000]
    counts = {"hangul": 0, "han": 0, "kana": 0, "latin": 0}
    for ch in sample:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("HANGUL"):
            counts["hangul"] += 1
        elif name.startswith("CJK UNIFIED"):
            counts["han"] += 1
        elif name.startswith(("HIRAGANA", "KATAKANA")):
            counts["kana"] += 1
        elif "LATIN" in name:
            counts["latin"] += 1
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0:
        return "en"
    if script == "hangul":
        return "ko"
    if script == "han" and counts["kana"] == 0:
        return "zh"
    words = re.findall(r"[a-záéíóúñü]+", sample.lower())
    spanish = sum(w in _SPANISH for w in words) + 3 * sum(sample.count(c) for c in "¿¡ñ")
    english = sum(w in _ENGLISH for w in words)
    return "es" if spanish > english else "en"


_PIECES = st.sampled_from(
    [
        "the workers and the guards ", "el trabajo de la obra y los ", "¿Cuánto pagaban? ", "señor ",
        "우리는 하루에 열여섯 시간 일했다 ", "我们每天工作十六个小时 ", "ひらがな カタカナ ", "ﾊﾝｶｸ ",
        "Ｆｕｌｌ ", "ǅǈ ʃ ", "Москва ", "12, 3.5 — ", "\n\n", "ß ñ ü ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=40).map("".join))
def test_same_guess_as_naming_every_character(text: str) -> None:
    assert detect_language(text) == _by_every_character(text)


def test_the_sample_is_the_first_20000_characters() -> None:
    korean, spanish = "우리는 일했다 " * 2_000, "el trabajo de la obra " * 3_000
    assert detect_language(korean + spanish) == "ko" == _by_every_character(korean + spanish)
    assert detect_language(spanish + korean) == "es"


_ASCII = st.characters(max_codepoint=127)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES.filter(str.isascii), st.text(_ASCII)), max_size=40))
def test_same_guess_on_ascii_text_which_skips_the_count(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert detect_language(text) == _by_every_character(text)
