"""A course file means the same whatever it starts with: a leading ``---`` must not switch YAML versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmacourse import load_course
from cmacourse._yaml import YAMLSyntaxError, load_yaml

COURSES = Path(__file__).parent / "courses"

# Plain scalars that YAML 1.1 (PyYAML) and YAML 1.2 (the reader's) read differently.
YAML_11_TRAPS = {"yes": "yes", "No": "No", "on": "on", "off": "off", "1:30": "1:30", "017": 17, "1e3": 1000.0}


@pytest.mark.parametrize("start", ["", "---\n", "--- \n", "%YAML 1.2\n---\n"])
def test_values_mean_the_same_after_a_document_marker(start: str) -> None:
    text = start + "".join(f"k{i}: {value}\n" for i, value in enumerate(YAML_11_TRAPS))
    assert load_yaml(text) == {f"k{i}": meaning for i, meaning in enumerate(YAML_11_TRAPS.values())}


def test_a_course_file_that_opens_with_a_marker_keeps_a_title_of_no(tmp_path: Path) -> None:
    course_dir = tmp_path / "course"
    shutil.copytree(COURSES / "scorm-single", course_dir)
    (course_dir / "course.yaml").write_text("---\nid: single\ntitle: No\nmodules:\n  - m1\n", encoding="utf-8")
    assert load_course(course_dir).title == "No"


_scalar = st.sampled_from([*YAML_11_TRAPS, "true", "null", "~", "0x1F", "0o17", ".inf", "'quoted'", "2026-01-01", "text"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), _scalar, max_size=6))
def test_any_mapping_reads_the_same_with_a_leading_marker(mapping: dict[str, str]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in mapping.items())
    try:
        plain = load_yaml(text)
    except YAMLSyntaxError:
        with pytest.raises(YAMLSyntaxError):
            load_yaml("---\n" + text)
        return
    assert repr(load_yaml("---\n" + text)) == repr(plain)
