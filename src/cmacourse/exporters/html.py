"""The static site: the player with the standalone adapter, as a folder any web server or file:// can open."""

from __future__ import annotations

from typing import ClassVar

from ..errors import UsageError
from ..model import Course
from ..player import render_player
from . import Exporter
from ._package import Layout, PackageWriter


class HtmlExporter(Exporter, builtin="html"):
    """``cmacourse build --format html``: ``<course-id>-html/index.html`` and the files it needs.

    Progress is kept in the browser's ``localStorage``; nothing is sent anywhere.
    """

    suffix: ClassVar[str] = ""
    layout: ClassVar[Layout] = "folder"

    def export(self, course: Course, writer: PackageWriter) -> None:
        """Add the course's launch document, player, data and media to ``writer``.

        Raises:
            UsageError: an option was given; this format takes none.
            BuildError: the player cannot render the course.
        """
        if self.options:
            raise UsageError(f"the html format takes no options; got {', '.join(sorted(self.options))}")
        render_player(course, writer, runtime="standalone", scope="course")
