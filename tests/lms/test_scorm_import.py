"""Moodle's own upload validation and manifest parser take the flagship SCORM packages; what it stores."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from moodle import Moodle, MoodleProblem, scos

from cmacourse.model import Course
from cmacourse.player.layout import launch_layouts

VERSIONS = {"scorm12": "SCORM_1.2", "scorm2004": "SCORM_1.3"}


def add(moodle: Moodle, package: Path, name: str) -> dict[str, Any]:
    return moodle.run("scorm_add", package=package, course=moodle.name("scorm-import"), name=name)  # type: ignore[no-any-return]


def expected_scos(course: Course, sco: str) -> list[dict[str, Any]]:
    """The SCOs the course has: title, launch file, pass mark, and the titles of the SCOs it requires."""
    layouts = launch_layouts(course, sco)  # type: ignore[arg-type]
    titles = {m.id: m.title for m in course.modules}
    expected = []
    for layout in layouts:
        if layout.launch.module_ids:
            required = {titles[r] for m in layout.modules for r in m.requires if r not in layout.launch.module_ids}
        else:  # the course's own launch: with sco=module it holds the final exam, open once every module is done
            required = set(titles.values()) if sco == "module" else set()
        expected.append({"title": layout.launch.title, "launch": layout.launch.href,
                         "mastery": layout.launch.mastery_score, "requires": required})
    return expected


@pytest.mark.parametrize("sco", ["course", "module"])
def test_scorm12_is_stored_as_the_course_says(moodle: Moodle, course: Course, package: Callable[..., Path], sco: str) -> None:
    stored = add(moodle, package("scorm12", sco=sco), f"SCORM 1.2 sco={sco}")
    assert stored["version"] == VERSIONS["scorm12"]
    launchable = scos(stored)
    by_identifier = {s["identifier"]: s["title"] for s in launchable}
    found = [{"title": s["title"], "launch": s["launch"], "mastery": float(s["data"]["masteryscore"]),
              "requires": {by_identifier[i] for i in (s["data"] or {}).get("prerequisites", "").split("&") if i}}
             for s in launchable]
    assert found == expected_scos(course, sco)
    assert len(found) == (1 if sco == "course" else len(course.modules) + 1)
    # Moodle launches the first SCO: the course's start for sco=course, the first module for sco=module.
    assert next(s for s in stored["scoes"] if s["launch"] == found[0]["launch"])["scormtype"] == "sco"


@pytest.mark.parametrize("sco", ["course", "module"])
def test_scorm2004_is_stored_as_the_course_says(moodle: Moodle, course: Course, package: Callable[..., Path], sco: str) -> None:
    stored = add(moodle, package("scorm2004", sco=sco), f"SCORM 2004 sco={sco}")
    assert stored["version"] == VERSIONS["scorm2004"]
    launchable = scos(stored)
    expected = expected_scos(course, sco)
    assert [(s["title"], s["launch"]) for s in launchable] == [(e["title"], e["launch"]) for e in expected]
    for sco_row, wanted in zip(launchable, expected):
        primary = [o for o in sco_row["objectives"] if o["primary"]]
        assert len(primary) == 1 and primary[0]["satisfiedbymeasure"]
        assert primary[0]["minnormalizedmeasure"] == pytest.approx(wanted["mastery"] / 100)
        # Moodle runs no sequencing: the default package asks it for no precondition rules (README).
        assert sco_row["rules"] == []


def test_a_malformed_manifest_is_caught(moodle: Moodle, package: Callable[..., Path], tmp_path: Path) -> None:
    """Moodle's parser die()s on it with exit status 0: the harness must still see the rejection."""
    broken = rewrite_manifest(package("scorm12"), tmp_path, lambda text: text.replace("</organizations>", "</organization>", 1))
    with pytest.raises(MoodleProblem, match=r"stopped without its result \(exit status 0\):\nXML error: Mismatched tag"):
        add(moodle, broken, "broken manifest")


def test_a_manifest_in_a_folder_fails_the_upload_form(moodle: Moodle, package: Callable[..., Path], tmp_path: Path) -> None:
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(package("scorm12")) as source, zipfile.ZipFile(nested, "w") as target:
        for info in source.infolist():
            target.writestr(f"course/{info.filename}", source.read(info))
    assert add(moodle, nested, "nested manifest") == {"rejected": {"packagefile": "An imsmanifest.xml file was found but it was not in the root of your zip file, please re-package your SCORM"}}


def test_map_info_makes_moodle_fail_as_the_readme_warns(moodle: Moodle, package: Callable[..., Path]) -> None:
    with pytest.raises(MoodleProblem, match="mapinfos"):
        add(moodle, package("scorm2004", sco="module", map_info="true"), "map_info")


def rewrite_manifest(source: Path, folder: Path, change: Callable[[str], str]) -> Path:
    """A copy of the package whose imsmanifest.xml went through ``change``."""
    target = folder / f"changed-{source.name}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            copy.writestr(info.filename, change(data.decode()) if info.filename == "imsmanifest.xml" else data)
    target.write_bytes(buffer.getvalue())
    return target
