"""Run Ralph's xAPI LRS (uvicorn) with its filesystem backend appending statements.

Run with the interpreter of ``.venv-lrs`` (see scripts/setup-tests.sh), never the
project's own environment:

    .venv-lrs/bin/python tests/peers/ralph_server.py --host 127.0.0.1 --port 8100

Everything else is configured through Ralph's environment variables
(``RALPH_RUNSERVER_BACKEND=fs``, ``RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH``,
``RALPH_AUTH_FILE``, ``RALPH_RUNSERVER_CORS_ALLOW_ORIGINS``...).

Why not ``ralph runserver``: it starts uvicorn with ``reload=True`` (a file watcher
and a child process), and Ralph 5.1.0's filesystem LRS backend writes with
``operation_type=CREATE``, so every POST after the first one fails with HTTP 500
("fs_lrs.jsonl already exists"). Making APPEND the default operation of that backend
keeps every statement in one JSON-lines file, which is what the tests need.
"""

from __future__ import annotations

import argparse

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend


def main() -> None:
    """Parse ``--host``/``--port`` and serve ``ralph.api:app`` until terminated."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    uvicorn.run("ralph.api:app", host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
