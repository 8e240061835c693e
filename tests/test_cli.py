"""The `cmacourse` command: exit codes, human and JSON output, --strict, --version, --help, formats."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cmacourse import __version__, read_course
from cmacourse.cli import main
from coursebuilder import MINIMAL, edit, write_course

JSON_KEYS = {"file", "line", "column", "pointer", "severity", "code", "message", "hint", "paths"}

#: Two errors in two files and nothing else.
TWO_ERRORS = edit(edit(MINIMAL, "m1/module.yaml", "kind: diploma", "kind: diplome"), "m2/quiz.yaml", "tolerance: 0.1", "tolerance: -1")
#: One warning (an objective no question assesses) and no error.
ONE_WARNING = edit(MINIMAL, "m2/module.yaml", "    text: Work out a dose.\n", "    text: Work out a dose.\n  - id: obj-extra\n    text: Something.\n")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A course with no problem."""
    return write_course(tmp_path / "course_content")


def test_validate_clean_course_exits_0(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean course exits 0, prints nothing on stdout and a one-line summary of its size on stderr."""
    assert main(["validate", str(clean)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{clean}: valid: 2 modules, 2 pages, 4 questions\n"


def test_validate_accepts_course_yaml_and_defaults_to_course_content(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH may name course.yaml itself, and without PATH the folder course_content in the working directory is read."""
    assert main(["validate", str(clean / "course.yaml")]) == 0
    monkeypatch.chdir(clean.parent)
    assert main(["validate"]) == 0


def test_validate_errors_exit_1_with_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A course with errors exits 1 and prints each as file:line:col: error[code]: message (pointer), hints indented.

    Paths are shown from where the command runs, so a terminal or an editor can open them.
    """
    write_course(tmp_path / "c", TWO_ERRORS)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "c"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "c/m1/module.yaml:3:7: error[schema.enum]: 'diplome' is not allowed here; expected one of diploma, program, externship, exam, jobs, recertification (/kind)",
        "    hint: did you mean 'diploma'?",
        "c/m2/quiz.yaml:10:16: error[schema.minimum]: -1 is less than the minimum of 0 (/questions/0/tolerance)",
    ]
    assert err == "2 errors, 0 warnings\n"


def test_json_output_structure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one document: valid, and every problem with file, line, column, pointer, severity, code, message, hint, paths."""
    root = write_course(tmp_path / "c", TWO_ERRORS)
    assert main(["validate", str(root), "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    for problem in document["problems"]:
        problem["file"] = Path(problem["file"]).relative_to(root).as_posix()
    assert set(document) == {"valid", "problems"} and document["valid"] is False
    assert all(set(p) == JSON_KEYS for p in document["problems"])
    assert document["problems"] == [
        {"file": "m1/module.yaml", "line": 3, "column": 7, "pointer": "/kind", "severity": "error", "code": "schema.enum",
         "message": "'diplome' is not allowed here; expected one of diploma, program, externship, exam, jobs, recertification",
         "hint": "did you mean 'diploma'?", "paths": {}},
        {"file": "m2/quiz.yaml", "line": 10, "column": 16, "pointer": "/questions/0/tolerance", "severity": "error",
         "code": "schema.minimum", "message": "-1 is less than the minimum of 0", "hint": None, "paths": {}},
    ]


def test_json_names_the_paths_a_problem_mentions(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each path a message or hint names is in ``paths`` by name, written as the message writes it: from the working folder."""
    write_course(tmp_path / "c", edit(MINIMAL, "course.yaml", "  - m2\n", "  - m22\n"))
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "c", "--json"]) == 1
    (problem,) = json.loads(capsys.readouterr().out)["problems"]
    assert problem == {"file": "c/course.yaml", "line": 5, "column": 5, "pointer": "/modules/1", "severity": "error",
                       "code": "file.missing", "message": "c/m22/module.yaml does not exist",
                       "hint": "did you mean 'm2' (c/m2/module.yaml)?", "paths": {"file": "c/m22/module.yaml", "similar": "c/m2/module.yaml"}}
    (api,) = read_course(tmp_path / "c").problems
    assert api.message == "m22/module.yaml does not exist" and dict(api.paths) == {"file": "m22/module.yaml", "similar": "m2/module.yaml"}


def test_json_output_of_a_clean_course(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean course gives valid true and an empty problem list, and nothing else on stdout."""
    assert main(["validate", str(clean), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": True, "problems": []}


def test_json_matches_the_api(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON problems are the API's problems, in the same order."""
    root = write_course(tmp_path / "c", TWO_ERRORS)
    main(["validate", str(root), "--json"])
    expected = [{**p.to_json(), "file": (root / p.location.file).as_posix()} for p in read_course(root).problems]
    assert json.loads(capsys.readouterr().out)["problems"] == expected


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings alone exit 0 but are printed; with --strict they exit 1, in JSON too."""
    root = write_course(tmp_path / "c", ONE_WARNING)
    assert main(["validate", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{root.as_posix()}/m2/module.yaml:8:9: warning[objective.unassessed]: no question assesses the objective 'obj-extra' (/objectives/1/id)\n")
    assert err == "0 errors, 1 warning\n"
    assert main(["validate", str(root), "--strict"]) == 1
    assert main(["validate", str(root), "--json"]) == 0
    capsys.readouterr()
    assert main(["validate", str(root), "--json", "--strict"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["valid"] is False and [p["severity"] for p in document["problems"]] == ["warning"]


@pytest.mark.parametrize("make", ["nothing", "empty folder", "a file"])
def test_missing_course_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str) -> None:
    """A path that is no course folder exits 2 with one clear line on stderr and no traceback."""
    target = tmp_path / "course"
    if make == "empty folder":
        target.mkdir()
    elif make == "a file":
        target.write_text("id: x\n")
    assert main(["validate", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    expected = f"{target} is not a course folder: it has no course.yaml" if make == "empty folder" else f"no course folder at {target}"
    assert err == f"cmacourse: {expected}\n"


def test_path_too_long_for_the_file_system_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path the operating system refuses outright is a usage error too, not a traceback."""
    assert main(["validate", str(tmp_path / ("x" * 5000))]) == 2
    assert capsys.readouterr().err.startswith("cmacourse: no course folder at ")


@pytest.mark.parametrize("argv", [["validate", "--bogus"], ["frobnicate"], [], ["validate", "a", "b"]])
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Arguments the command does not take exit with status 2 and a usage line."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage: cmacourse" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version and exits 0."""
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"cmacourse {__version__}\n"


def test_help_mentions_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """--help names every command with a line on what it does, and the exit statuses."""
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for command in ("validate", "build", "preview", "formats", "new"):
        assert f"\n    {command} " in text, command
    assert "Exit status: 0" in text


@pytest.mark.parametrize(("argv", "words"), [
    (["validate", "--help"], ["--json", "--strict", "path"]),
    (["new", "--help"], ["course", "module"]),
    (["build", "--help"], ["--format", "--out", "KEY=VALUE"]),
])
def test_subcommand_help(argv: list[str], words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Each command's --help lists its options."""
    with pytest.raises(SystemExit):
        main(argv)
    text = capsys.readouterr().out
    assert all(word in text for word in words)


def test_formats_lists_every_registered_format(capsys: pytest.CaptureFixture[str]) -> None:
    """`formats` prints one line per registered format (its id, then its description), then one per option it declares."""
    from cmacourse.exporters import exporters

    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if not line.startswith(" ")]
    names = list(exporters.infos())
    assert names and [line.split()[0] for line in lines] == names
    for line, name in zip(lines, names):
        assert line.endswith(exporters.get(name).description)
    for name in names:
        for option in exporters.get(name).declared_options:
            assert f"-O {option.usage()}  {option.help}" in out
    assert "-O sco=course|module" in out and "-O map_info=yes|no" in out and "-O canvas=yes|no" in out


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a separate process, as a shell or CI runs it."""
    return subprocess.run([sys.executable, "-m", "cmacourse", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_process_exit_statuses_and_no_traceback(tmp_path: Path) -> None:
    """Run as a process, the command exits 0, 1 and 2 as documented and never prints a traceback."""
    clean = write_course(tmp_path / "clean")
    write_course(tmp_path / "broken", {**MINIMAL, "m1/check.yaml": b"\x89PNG\r\n\x1a\n\x00\x00"})
    results = {
        0: run_cli("validate", str(clean)),
        1: run_cli("validate", "broken", cwd=tmp_path),
        2: run_cli("validate", str(tmp_path / "nowhere")),
    }
    for status, result in results.items():
        assert result.returncode == status, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
    assert results[1].stdout == "broken/m1/check.yaml:1:1: error[file.encoding]: byte 0x89 is not UTF-8 text; save the file as UTF-8\n"
    assert run_cli("validate", "--nope").returncode == 2


class AnyPath:
    """A path-like object that is neither ``str`` nor ``pathlib.Path``: only ``__fspath__``."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)

    def __fspath__(self) -> str:
        return self._path


@pytest.mark.parametrize("kind", [str, AnyPath])
def test_the_python_api_takes_any_path(kind: type, tmp_path: Path) -> None:
    """Every public function that takes a path accepts a str and any os.PathLike."""
    import cmacourse
    from cmacourse.building import build_formats
    from cmacourse.loading import course_root
    from cmacourse.scaffold import new_course, new_module

    root = kind(tmp_path / "course")
    assert new_course(root, "any-path")
    assert new_module(root, "second")
    assert course_root(kind(tmp_path / "course" / "course.yaml")) == tmp_path / "course"
    course = cmacourse.load_course(root)
    assert cmacourse.read_course(root).course == course and cmacourse.validate(root) == ()
    assert cmacourse.export(course, "moodlexml", kind(tmp_path / "out")) == tmp_path / "out" / "any-path-moodlexml.xml"
    assert build_formats(root, "html", kind(tmp_path / "out")) == [tmp_path / "out" / "any-path-html"]
    assert cmacourse.dump_course(course, kind(tmp_path / "copy"))
    assert cmacourse.load_course(kind(tmp_path / "copy")) == course


@pytest.mark.parametrize(("typed", "suggestion"), [("scorm", "did you mean 'scorm12' or 'scorm2004'?"),
                                                   ("SCORM12", "did you mean 'scorm12'?"),
                                                   ("tin-can", "did you mean 'tincan'?")])
def test_format_ids_get_did_you_mean(clean: Path, tmp_path: Path, typed: str, suggestion: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt or wrongly cased format id names the nearest ones, and nothing is written."""
    assert main(["build", str(clean), "--format", typed, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"unknown format {typed!r}; {suggestion} available: " in err
    assert not (tmp_path / "out").exists()


FORMATS = ["html", "scorm12", "scorm2004", "cmi5", "tincan", "imscc", "moodlexml"]


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_refuses_an_unknown_option_the_same_way(name: str, clean: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`-O bogus=1` is refused by every format, in one form, before anything is written."""
    from cmacourse.exporters import exporters

    assert main(["build", str(clean), "--format", name, "--out", str(tmp_path / "out"), "-O", "bogus=1"]) == 2
    err = capsys.readouterr().err.strip()
    keys = [o.key for o in exporters.get(name).declared_options]
    if keys:
        assert err == f"cmacourse: the {name} format has no option 'bogus'; its options: {', '.join(keys)}"
    else:
        assert err == f"cmacourse: the {name} format takes no options; got bogus"
    assert not (tmp_path / "out").exists()


def test_option_keys_and_values_get_did_you_mean(clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt key or choice names the nearest; a flag that is not yes/no says which words it takes."""
    out = str(tmp_path / "out")
    assert main(["build", str(clean), "--format", "scorm2004", "--out", out, "-O", "scoo=module"]) == 2
    assert "has no option 'scoo'; did you mean 'sco'? its options: sco, map_info" in capsys.readouterr().err
    assert main(["build", str(clean), "--format", "scorm12", "--out", out, "-O", "sco=modul"]) == 2
    assert "sco='modul' is not valid; did you mean 'module'? use one of: course, module" in capsys.readouterr().err
    assert main(["build", str(clean), "--format", "imscc", "--out", out, "-O", "canvas=maybe"]) == 2
    assert "canvas='maybe' is not yes or no" in capsys.readouterr().err
    assert main(["build", str(clean), "--format", "all", "--out", out, "-O", "map-inf=yes"]) == 2
    assert "no format takes the option 'map_inf'; did you mean 'map_info'?" in capsys.readouterr().err
    assert not Path(out).exists()


def test_all_formats_give_each_format_its_own_options(clean: Path, tmp_path: Path) -> None:
    """With --format all, -O sco=module reaches the SCORM formats and no other format refuses it."""
    out = tmp_path / "out"
    assert main(["build", str(clean), "--format", "all", "--out", str(out), "-O", "sco=module", "-O", "canvas=no"]) == 0
    assert len(list(out.iterdir())) == 7


def test_declared_options_are_typed_for_the_exporter() -> None:
    """An exporter receives its options typed as declared: a flag as a bool, a choice lower-cased."""
    from cmacourse.exporters import exporters

    exporter = exporters.get("scorm2004")(sco="Module", map_info="yes")
    assert exporter.options == {"sco": "module", "map_info": True}


def test_every_file_a_problem_names_is_written_from_where_the_command_runs(tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture[str],
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The problem's file, a file its message names and a file its hint names all read from the working folder."""
    files = edit(MINIMAL, "glossary.yaml", "  - id: cma\n", "  - id: ged\n")
    files = edit(files, "course.yaml", "  - m2\n", "  - m2\n  - m3\n")
    write_course(tmp_path / "work" / "course_content", files)
    monkeypatch.chdir(tmp_path / "work")
    assert main(["validate", "course_content"]) == 1
    out = capsys.readouterr().out
    assert "course_content/course.yaml:" in out
    assert "error[file.missing]: course_content/m3/module.yaml does not exist" in out
    assert "hint: first used at course_content/glossary.yaml:" in out


@pytest.mark.parametrize(("argv", "words"), [
    (["build", "--format", "html", "--out", ""], "an empty folder name"),
    (["build", "--format", "html", "--out", "  "], "an empty folder name"),
    (["preview", "--port", "80000"], "80000 is not a port"),
    (["preview", "--port", "eight"], "'eight' is not a port number"),
])
def test_values_that_cannot_be_meant_are_usage_errors(argv: list[str], words: str, clean: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty --out (an unset variable in a script) and a port out of range stop before any work, exit status 2."""
    monkeypatch.chdir(clean.parent)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert words in capsys.readouterr().err
    assert sorted(p.name for p in clean.parent.iterdir()) == ["course_content"]


CMACOURSE = str(Path(sys.executable).with_name("cmacourse"))
#: A path a problem line can name: a file of the course or its media, perhaps with :line:column after it.
PATH_IN_LINE = re.compile(r"(?<![\w'./-])([\w./-]+\.(?:svg|vtt|md|yaml))(?::\d+:\d+)?(?![\w'])")
VIDEO = "\n```video\nsrc: ../media/pic.svg\ntitle: A clip\ntranscript: Words.\ncaptions: clip.vtt\n```\n"
#: Each broken course: its files, the code it gives, and the course paths its line names that do not exist.
BROKEN: dict[str, tuple[dict[str, str | bytes], str, set[str]]] = {
    "missing image": (edit(MINIMAL, "m1/intro.md", "](../media/pic.svg)", "](../media/gone.svg)"), "ref.missing-media",
                      {"media/gone.svg"}),
    "missing caption file": (edit(MINIMAL, "m2/lesson.md", "every dose.\n", "every dose.\n" + VIDEO), "ref.missing-media",
                             {"m2/clip.vtt"}),
    "missing transcript": (edit(MINIMAL, "m2/lesson.md", "every dose.\n", "every dose.\n" + VIDEO.replace("transcript: Words.\n", "")),
                           "schema.required", {"m2/clip.vtt"}),
    "broken module reference": (edit(MINIMAL, "course.yaml", "  - m2\n", "  - m22\n"), "file.missing", {"m22/module.yaml"}),
    "broken symlink": (dict(MINIMAL), "file.missing", {"m1/gone.md"}),
    "duplicate id": (edit(MINIMAL, "m2/lesson.md", "id: lesson", "id: intro"), "id.duplicate", set()),
}


def _run_from(cwd: Path, course: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CMACOURSE, "validate", course, *options], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("where", ["two levels down", "from inside the course with .."])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_every_path_a_problem_line_names_opens_from_the_working_folder(case: str, where: str, tmp_path: Path) -> None:
    """Run from elsewhere than the course's parent, the file, every path in the message and the one in the hint open
    from where the command ran (a missing file is named where it would be), in the text and in --json alike."""
    files, code, missing = BROKEN[case]
    root = write_course(tmp_path / "work" / "a" / "b" / "course_content", files)
    if case == "broken symlink":
        (root / "m1" / "intro.md").unlink()
        (root / "m1" / "intro.md").symlink_to("gone.md")
    cwd, course = (tmp_path / "work", "a/b/course_content") if where == "two levels down" else (root / "m1", "..")
    text, document = _run_from(cwd, course), _run_from(cwd, course, "--json")
    assert text.returncode == document.returncode == 1 and "Traceback" not in text.stderr + document.stderr
    problems = [p for p in json.loads(document.stdout)["problems"] if p["code"] == code]
    assert problems, document.stdout
    absent = {(root / rel).resolve() for rel in missing}

    def opens(path: str) -> bool:
        return os.path.lexists(cwd / path) or (cwd / path).resolve() in absent

    for problem in problems:
        assert opens(problem["file"]), problem
        for path in problem["paths"].values():
            assert opens(path) and path in f"{problem['message']} {problem['hint']}", problem
        line = next(line for line in text.stdout.split("\n") if line.startswith(f"{problem['file']}:{problem['line']}:"))
        following = text.stdout.split(line + "\n", 1)[1]
        hint = following.splitlines()[0] if following.startswith("    hint: ") else ""
        assert problem["message"] in line and (problem["hint"] or "") in hint
        named = PATH_IN_LINE.findall(f"{line}\n{hint}")
        assert named and all(opens(path) for path in named), (named, line, hint)
    if case == "duplicate id":
        assert any(p["hint"].startswith("first used at ") and p["paths"] for p in problems)
    if case in ("broken module reference", "broken symlink", "missing image", "missing caption file"):
        assert all(p["paths"] for p in problems)
