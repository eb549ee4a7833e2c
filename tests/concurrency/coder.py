"""A coding-screen process without a screen: the TUI's own access path, driven by JSON lines.

``python -m tests.concurrency.coder URL CODER`` opens the project exactly as ``qcode code`` does
(:func:`qcode.cli.tui.open_access`: on SQLite the first screen is read through a read-only
connection and the store opens behind it), registers the coder as the app does, and then answers
one JSON line on stdout for each JSON line on stdin:

``{"op": "open", "doc": 0}``, ``{"op": "toggle", "seg": 3, "code": "wages"}``,
``{"op": "range", "from": 2, "to": 5, "code": "debt"}``, ``{"op": "memo", "seg": 1, "text": "…"}``,
``{"op": "undo"}``, ``{"op": "redo"}``, ``{"op": "peek", "what": "undo"}`` (the segments an undo
would change), ``{"op": "quit"}``.

A change answers ``{"ok": true, "ops": [...]}`` once committed (what :mod:`tests.concurrency.ledger`
records as acknowledged) or ``{"ok": false, "error": "..."}`` when the database refused it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from qcode.coding import queries
from qcode.coding.types import CodingOp, MemoOp, Op
from qcode.errors import QcodeError
from qcode.tui.controller import CodingController, Replayed


def op_json(op: Op) -> dict[str, Any]:
    """A committed op as the ledger keeps it (names and ordinals, never row ids)."""
    where = {"document": op.segment.document, "ordinal": op.segment.ordinal}
    if isinstance(op, MemoOp):
        return {"kind": "memo", **where, "after": op.after, "guid": op.guid}
    assert isinstance(op, CodingOp)
    return {"kind": "coding", **where, "code": op.code_key, "added": op.added, "guid": op.guid}


class Coder:
    """One coder's session, as the coding screen holds it."""

    def __init__(self, url: str, name: str) -> None:
        from qcode.cli.tui import open_access

        self.access = open_access(url)
        with self.access.read() as s:  # as QcodeApp.start: find the coder by reading first
            coder = queries.find_coder(s, name)
        if coder is None:
            from qcode.coding.service import ensure_coder

            with self.access.unit() as session:
                coder = ensure_coder(session, name)
        self.controller = CodingController(self.access, coder)
        doc, _ = self.controller.load()
        self.controller.open(doc)
        self.access.open_in_background()  # as the app does once its first screen is up
        self.codes = {c.key: c for c in self.controller.codes}

    def hello(self) -> dict[str, Any]:
        """What the driver needs to choose operations: documents and codes."""
        return {
            "ok": True,
            "documents": [d.name for d in self.controller.documents],
            "codes": sorted(self.codes),
        }

    def run(self, cmd: dict[str, Any]) -> dict[str, Any]:
        """Carry out one command; a refusal by the database is an answer, not a crash.

        A refusal names the segments the command would have changed (``spots``): when the server
        went away during a commit, the change may still have been written.
        """
        spots = self._spots(cmd)
        try:
            answer = self._run(cmd)
        except QcodeError as exc:
            answer = {"ok": False, "error": str(exc), "spots": spots}
        transcript = self.controller.transcript  # undo and redo may open another document
        answer["at"] = self.controller.doc_index
        answer["size"] = 0 if transcript is None else len(transcript.segments)
        return answer

    def _spots(self, cmd: dict[str, Any]) -> list[tuple[str, int]]:
        c, op = self.controller, cmd["op"]
        if c.transcript is None:
            return []
        if op in ("toggle", "memo"):
            refs = [c.transcript.ref(cmd["seg"])]
        elif op == "range":
            refs = [c.transcript.ref(i) for i in range(cmd["from"], cmd["to"] + 1)]
        elif op in ("undo", "redo"):
            stack = c.history._undo if op == "undo" else c.history._redo
            return [(o.segment.document, o.segment.ordinal) for o in stack[-1].ops] if stack else []
        else:
            return []
        return [(r.document, r.ordinal) for r in refs]

    def _run(self, cmd: dict[str, Any]) -> dict[str, Any]:
        c, op = self.controller, cmd["op"]
        if op == "open":
            transcript = c.open(cmd["doc"])
            return {"ok": True, "document": transcript.document.name, "segments": len(transcript.segments)}
        if op == "toggle":
            return {"ok": True, "ops": [op_json(c.toggle(cmd["seg"], self.codes[cmd["code"]]))]}
        if op == "range":
            indices = list(range(cmd["from"], cmd["to"] + 1))
            return {"ok": True, "ops": [op_json(o) for o in c.apply_range(indices, self.codes[cmd["code"]])]}
        if op == "memo":
            done = c.set_memo(cmd["seg"], cmd["text"])
            return {"ok": True, "ops": [] if done is None else [op_json(done)]}
        if op == "peek":  # where an undo or redo would write (a driver notes it before sending one)
            return {"ok": True, "spots": self._spots({"op": cmd["what"]})}
        if op in ("undo", "redo"):
            replayed: Replayed | None = c.undo() if op == "undo" else c.redo()
            return {"ok": True, "ops": [] if replayed is None else [op_json(o) for o in replayed.ops]}
        raise ValueError(f"unknown command {op!r}")

    def close(self) -> None:
        """Release the store and the reader, as the app does on exit."""
        self.access.close()


def main(argv: list[str]) -> int:
    """Serve commands until ``quit`` or the end of stdin."""
    url, name = argv
    session = Coder(url, name)
    out = sys.stdout
    out.write(json.dumps(session.hello()) + "\n")
    out.flush()
    try:
        for line in sys.stdin:
            cmd = json.loads(line)
            if cmd["op"] == "quit":
                break
            out.write(json.dumps(session.run(cmd)) + "\n")
            out.flush()
    finally:
        session.close()
    out.write(json.dumps({"ok": True, "closed": True}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
