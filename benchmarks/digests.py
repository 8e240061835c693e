"""Same-bytes check for speed work: the sha256 of every package the flagship and a synthetic course build into.

Usage: python benchmarks/digests.py --save FILE     (before a change)
       python benchmarks/digests.py --check FILE    (after it: exits 1 and names each package that differs)

It builds, each with the ``cmacourse`` command as users run it: the flagship course_content/ into every
format in one command; a synthetic course (synthetic.py, 800 pages: one SCO per module by itself) into
SCORM 1.2 with the default options and into every format in one command; and one SCORM 1.2 build
with ``-O sco=course`` of a small synthetic course. A zip is hashed as its bytes, a folder as the
sorted list of its files' paths and hashes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from synthetic import write_course

ROOT = Path(__file__).resolve().parents[1]


def digest(path: Path) -> str:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    lines = "".join(f"{f.relative_to(path).as_posix()} {hashlib.sha256(f.read_bytes()).hexdigest()}\n"
                    for f in sorted(path.rglob("*")) if f.is_file())
    return hashlib.sha256(lines.encode()).hexdigest()


def build(label: str, course: Path, out: Path, *args: str) -> dict[str, str]:
    command = [sys.executable, "-m", "cmacourse", "build", str(course), "--out", str(out), *args]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {f"{label}/{entry.name}": digest(entry) for entry in sorted(out.iterdir())}


def digests() -> dict[str, str]:
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="cmacourse-digests-") as tmp:
        work = Path(tmp)
        big, small = work / "course-800", work / "course-40"
        big.mkdir()
        small.mkdir()
        write_course(big, 40, 20, 10)
        write_course(small, 2, 20, 4)
        found |= build("flagship-all", ROOT / "course_content", work / "a", "--format", "all")
        found |= build("synthetic800-scorm12", big, work / "b", "--format", "scorm12")
        found |= build("synthetic800-all", big, work / "c", "--format", "all")
        found |= build("synthetic40-scorm12-course", small, work / "d", "--format", "scorm12", "-O", "sco=course")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path)
    action.add_argument("--check", type=Path)
    args = parser.parse_args()
    found = digests()
    if args.save:
        args.save.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(found)} packages saved to {args.save}")
        return 0
    saved = json.loads(args.check.read_text(encoding="utf-8"))
    differ = sorted(k for k in saved.keys() | found.keys() if saved.get(k) != found.get(k))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(found) - len(differ)} of {len(saved)} packages byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
