"""Which languages the player has its own words in: the gettext catalogs shipped in ``cmacourse/locale/``.

Kept apart from ``player.words`` (which reads them with Babel) so that ``validate`` can tell a course
whose language has no catalog without loading the player.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: The gettext domain of the player's words.
DOMAIN = "player"
#: The catalog shown where a course's language has none: the words as the player's sources write them.
FALLBACK = "en"


def locale_folder() -> Traversable:
    """The packaged folder of the catalogs: ``<language>/LC_MESSAGES/player.po`` and the template ``player.pot``."""
    return resources.files("cmacourse") / "locale"


def catalog_languages() -> tuple[str, ...]:
    """The languages the player has words in, as catalog folder names (``en``, ``es``), sorted."""
    return tuple(sorted(entry.name for entry in locale_folder().iterdir()
                        if entry.is_dir() and (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()))


def catalog_for(language: str) -> str | None:
    """The catalog a BCP 47 tag is shown in: its own (``pt_BR`` for ``pt-BR``), else its language's; None if neither."""
    tag = language.replace("-", "_")
    shipped = {name.lower(): name for name in catalog_languages()}
    for candidate in (tag, tag.split("_")[0]):
        if candidate.lower() in shipped:
            return shipped[candidate.lower()]
    return None
