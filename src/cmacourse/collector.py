"""How the work of loading, checking and building a course asks Python's cyclic garbage collector to behave.

A loaded course is hundreds of thousands of small objects with no reference cycles among them, kept until
the command ends. The collector's passes over them free nothing and cost a third of loading a large
course; a full pass during checks or a build walks every one of them again.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs: for building the model, which makes no cycles.

    What the block made then goes straight to the oldest generation, where what lives long ends up
    anyway: left young, the first allocation after it would start a collection that walks all of it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():  # freezing and unfreezing moves every tracked object to the oldest generation
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def sparing_what_exists() -> Iterator[None]:
    """Collections while the block runs skip every object that exists when it starts (the loaded course),
    and still free the cycles the block itself leaves (templates, XML trees), so memory stays bounded.

    A program that froze objects itself (``gc.freeze()`` before forking) keeps its own arrangement.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
