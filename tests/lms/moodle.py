"""The Moodle that scripts/setup-moodle.sh installed: our PHP scripts run in it, and its web server.

Every script in ``tests/lms/php`` prints one result line; anything else it prints, any PHP warning,
notice or deprecation and any Moodle debugging message is a :class:`MoodleProblem`. So is a script
that stops before its result (Moodle's SCORM parser ends the process with ``die()`` and exit status 0
on a malformed manifest): the exit status alone proves nothing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ralph_lrs import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE = REPO_ROOT / ".moodle"
CODE = STATE / "moodle"
PHP_SCRIPTS = Path(__file__).resolve().parent / "php"
RESULT_MARKER = "CMACOURSE-MOODLE-RESULT "
SETUP_HINT = "run `bash scripts/setup-moodle.sh` (or scripts/test-lms.sh) from the repository root"
LOOPBACK = "127.0.0.1"
#: The password of every learner the tests create.
LEARNER_PASSWORD = "Learner-pass-1"  # noqa: S105 (a throw-away test site on 127.0.0.1)
#: PHP settings of the web server on top of .moodle/php/moodle.ini: compiled code shared by its workers
#: in memory (the CLI scripts keep it in files), and every PHP message of every request logged.
WEB_SERVER_SETTINGS = ("-d", "opcache.file_cache_only=0", "-d", "opcache.memory_consumption=256", "-d", "log_errors=1")
#: A PHP message as PHP's own handler writes it to a page or a log: the web server's tell-tale.
PHP_MESSAGE = re.compile(r"PHP (Warning|Notice|Deprecated|Fatal error|Parse error)|Debugging: |Warning</b>:|Notice</b>:|Deprecated</b>:")


class MoodleProblem(AssertionError):
    """Moodle said something is wrong: a PHP message, a debugging message, an exception or a stop."""


class Moodle:
    """The installed site: PHP scripts of ours run against it, and PHP's web server serves it."""

    def __init__(self, code: Path = CODE) -> None:
        if not (code / "config.php").is_file() or not (STATE / "installed").is_file():
            raise MoodleProblem(f"no installed Moodle at {code}: {SETUP_HINT}")
        port = int((STATE / "pgport").read_text())
        try:
            socket.create_connection((LOOPBACK, port), timeout=5).close()
        except OSError:
            raise MoodleProblem(f"Moodle's PostgreSQL is not running on {LOOPBACK}:{port}: {SETUP_HINT}") from None
        self.code = code
        self.release = re.search(r"\$release\s*=\s*'([^']+)'", (code / "version.php").read_text()).group(1)  # type: ignore[union-attr]
        self.wwwroot = ""
        self.web_log = STATE / "web-errors.log"
        #: The site outlives a test run: what one run creates is named apart from earlier runs'.
        self.run_tag = secrets.token_hex(3)

    def name(self, base: str) -> str:
        """A course short name or username unique to this run."""
        return f"{base}-{self.run_tag}"

    def environment(self) -> dict[str, str]:
        return {**os.environ, "CMACOURSE_MOODLE_ROOT": str(self.code), "CMACOURSE_MOODLE_WWWROOT": self.wwwroot,
                # A leading ':' keeps Debian's own ini folder and adds the settings setup-moodle.sh wrote.
                "PHP_INI_SCAN_DIR": f":{STATE / 'php'}"}

    def run(self, script: str, timeout: float = 600, **options: object) -> Any:
        """Run ``tests/lms/php/<script>.php --name=value...`` and return its result.

        Raises:
            MoodleProblem: the script printed anything but its result, reported PHP or debugging
                messages, failed, or stopped before its result.
        """
        arguments = [f"--{name.replace('_', '-')}={value}" for name, value in options.items()]
        done = subprocess.run(["php", str(PHP_SCRIPTS / f"{script}.php"), *arguments], capture_output=True,
                              text=True, env=self.environment(), timeout=timeout, check=False)
        lines = done.stdout.splitlines()
        results = [line for line in lines if line.startswith(RESULT_MARKER)]
        stray = [line for line in lines if not line.startswith(RESULT_MARKER)] + done.stderr.splitlines()
        what = f"{script}.php {' '.join(arguments)}"
        if not results:
            raise MoodleProblem(f"{what} stopped without its result (exit status {done.returncode}):\n"
                                + "\n".join(stray))
        answer = json.loads(results[-1][len(RESULT_MARKER):])
        problems = answer["problems"] + [f"printed: {line}" for line in stray if line.strip()]
        if done.returncode != 0 or problems:
            raise MoodleProblem(f"{what} (exit status {done.returncode}):\n" + "\n".join(problems))
        return answer["result"]

    @contextmanager
    def web_server(self, workers: int = 4) -> Iterator[str]:
        """PHP's built-in web server for the site on a free port of 127.0.0.1; yields the site's URL.

        PHP messages of every request go to :attr:`web_log` as well as to the page, so that a
        message in a frame or an AJAX answer is seen; :meth:`web_problems` reads them.
        """
        port = free_port()
        self.wwwroot = f"http://{LOOPBACK}:{port}"
        self.web_log.write_text("")
        env = {**self.environment(), "PHP_CLI_SERVER_WORKERS": str(workers)}
        # In a session of its own: its worker processes outlive a signal to the server alone.
        server = subprocess.Popen(["php", *WEB_SERVER_SETTINGS, "-d", f"error_log={self.web_log}",
                                   "-S", f"{LOOPBACK}:{port}", "-t", str(self.code)],
                                  env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection((LOOPBACK, port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise MoodleProblem(f"PHP's web server did not start on {LOOPBACK}:{port}") from None
                    time.sleep(0.1)
            yield self.wwwroot
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
            self.wwwroot = ""

    def web_problems(self) -> list[str]:
        """The PHP and Moodle debugging messages the web server logged so far."""
        text = self.web_log.read_text(errors="replace") if self.web_log.is_file() else ""
        return [line for line in text.splitlines() if line.strip()]


def scos(stored: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The launchable SCOs of a scorm_add result, in Moodle's order."""
    return [s for s in stored["scoes"] if s["scormtype"] == "sco"]
