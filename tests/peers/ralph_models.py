"""Validate xAPI statements against Ralph's pydantic models, one JSON statement a line on stdin.

Run with the interpreter of ``.venv-lrs``: ``.venv-lrs/bin/python tests/peers/ralph_models.py``.
For each line it writes one JSON line: the list of problems found (empty for a valid statement).
Every statement is checked against ``BaseXapiStatement``, Ralph's model of an xAPI 1.0.3 statement
with its strict rules (no unknown properties, no empty values outside extensions, typed results,
interaction definitions). Ralph's other models (``ralph.models.xapi.lms``, ``video``,
``virtual_classroom``...) describe the statements of other xAPI profiles: its selector would take an
``answered`` statement for a virtual classroom's poll answer, so they are not applied.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement


def problems(statement: Any) -> list[str]:
    """The model's complaints about ``statement``, as ``location: message``."""
    try:
        BaseXapiStatement(**statement)
    except ValidationError as error:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    except (TypeError, ValueError) as error:
        return [str(error)]
    return []


def main() -> None:
    for line in sys.stdin:
        try:
            answer = problems(json.loads(line))
        except Exception as error:  # noqa: BLE001 - one bad line must not end the checker
            answer = [f"unreadable statement: {error}"]
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
