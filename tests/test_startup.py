"""Start-up: each command imports only what it uses (checked on sys.modules in a fresh process, not by timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Runs the command in-process, then prints every module it imported, as JSON.
PROBE = """\
import json, sys
from cmacourse.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, timeout=60)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> set[str]:
    """The player, the export formats and the libraries only they need.

    markdown-it and lxml are not among them: validation reads Markdown with the parser the formats
    render with, and checks SVG media with lxml.
    """
    return {m for m in modules if m.startswith(("cmacourse.player", "cmacourse.exporters.", "jinja2"))
            or m in ("cmacourse.exporters", "cmacourse.packaging", "cmacourse.outputs")}


def test_version_imports_nothing_but_the_version() -> None:
    """`cmacourse --version` loads no schema library, model, player or format."""
    modules = imported("--version")
    ours = {m for m in modules if m.startswith("cmacourse")}
    assert ours == {"cmacourse", "cmacourse._version", "cmacourse.cli"}
    assert not {"attrs", "attr", "jsonschema", "yaml", "yaml_rs", "jsonschema_rs"} & modules


def test_formats_imports_no_format_and_no_player() -> None:
    """`cmacourse formats` lists built-in formats and their options from their declarations, importing none of them."""
    modules = imported("formats")
    assert "cmacourse.exporters" in modules
    formats = {m for m in modules if m.startswith("cmacourse.exporters.")} - {"cmacourse.exporters.options"}
    assert formats == set()
    assert not {m for m in modules if m.startswith(("cmacourse.player", "jinja2", "markdown_it"))}
    assert not {"cmacourse.model", "cmacourse.loading", "yaml"} & modules, "listing formats needs no course model"


@pytest.mark.parametrize("args", [["validate", "course_content"], ["validate", "course_content", "--json"]])
def test_validate_of_a_clean_course_imports_no_player_and_no_format(args: list[str]) -> None:
    """`validate` of the flagship course never loads the player, the export formats or the Python JSON Schema validator."""
    modules = imported(*args)
    assert "cmacourse.validation" in modules
    assert heavy(modules) == set()
    assert "jsonschema" not in modules, "the detailed validator is only for documents with problems"
