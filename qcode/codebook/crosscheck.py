"""Rules across codes: unique ids, names, hotkeys and GUIDs; known parents; no cycles; leaf hotkeys."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from qcode.codebook.rules import Draft, effective_guid
from qcode.names import did_you_mean

Report = Callable[[int | None, str, str], None]


def check_codes(drafts: list[Draft], add: Report, *, require_hotkeys: bool = True) -> None:
    """Report every rule broken across ``drafts`` through ``add(line, key, message)``."""
    _unique(drafts, add, "id", lambda d: d.get("id"))
    _unique(drafts, add, "name", lambda d: _folded(d.get("name")), show=lambda d: d.get("name"))
    _unique(drafts, add, "hotkey", lambda d: d.get("hotkey"))
    first = _first_by_id(drafts)
    # A repeated id is reported once above, not again as the repeated GUID derived from it.
    once = [d for d in drafts if not isinstance(d.get("id"), str) or first[str(d.get("id"))] is d]
    _unique(once, add, "guid", effective_guid, field_of=lambda d: "guid" if "guid" in d.values else "id")
    _parents(drafts, first, add)
    _cycles(drafts, first, add)
    if require_hotkeys:
        _leaf_hotkeys(drafts, first, add)


def _folded(value: object) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _unique(
    drafts: Iterable[Draft],
    add: Report,
    name: str,
    value_of: Callable[[Draft], object],
    *,
    show: Callable[[Draft], object] | None = None,
    field_of: Callable[[Draft], str] | None = None,
) -> None:
    owners: dict[object, Draft] = {}
    for draft in drafts:
        value = value_of(draft)
        if value is None:
            continue
        where = field_of(draft) if field_of is not None else name
        if value in owners:
            shown = (show or value_of)(draft)
            add(
                draft.line_of(where),
                f"{draft.key}.{where}",
                f"duplicate {name} {shown!r}: also used by {owners[value].where()}",
            )
        else:
            owners[value] = draft


def _first_by_id(drafts: Iterable[Draft]) -> dict[str, Draft]:
    first: dict[str, Draft] = {}
    for draft in drafts:
        code_id = draft.get("id")
        if isinstance(code_id, str):
            first.setdefault(code_id, draft)
    return first


def _parents(drafts: Iterable[Draft], first: dict[str, Draft], add: Report) -> None:
    for draft in drafts:
        parent = draft.get("parent")
        if isinstance(parent, str) and parent not in first:
            hint = did_you_mean(parent, first, limit=1) or " (no code has this id)"
            add(draft.line_of("parent"), f"{draft.key}.parent", f"unknown parent {parent!r}{hint}")


def _cycles(drafts: list[Draft], first: dict[str, Draft], add: Report) -> None:
    """Report each parent cycle once, at the member that comes first in the file."""
    parent_of = {code_id: draft.get("parent") for code_id, draft in first.items()}
    done: set[str] = set()
    for start in first:
        chain: list[str] = []
        node: object = start
        while isinstance(node, str) and node in parent_of and node not in done and node not in chain:
            chain.append(node)
            node = parent_of[node]
        if isinstance(node, str) and node in chain:
            cycle = chain[chain.index(node) :]
            head = min(cycle, key=lambda code_id: first[code_id].index)
            at = cycle.index(head)
            ordered = cycle[at:] + cycle[:at] + [head]
            draft = first[head]
            add(draft.line_of("parent"), f"{draft.key}.parent", "parent cycle: " + " → ".join(ordered))
        done.update(chain)


def _leaf_hotkeys(drafts: Iterable[Draft], first: dict[str, Draft], add: Report) -> None:
    groups = {draft.get("parent") for draft in first.values()}
    for draft in drafts:
        code_id = draft.get("id")
        if not isinstance(code_id, str) or code_id in groups or draft.get("hotkey") is not None:
            continue
        if draft.get("codable") is False:
            continue  # coders never apply it
        if "hotkey" in draft.present and "hotkey" not in draft.values:
            continue  # present but invalid: already reported
        add(
            draft.line_of("hotkey"),
            f"{draft.key}.hotkey",
            f"code {code_id!r} has no children, so coders apply it and it needs a hotkey",
        )
