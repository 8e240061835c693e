"""The player's own words in the course's language: gettext catalogs read with Babel, plurals and numbers by CLDR.

The catalogs are ``cmacourse/locale/<language>/LC_MESSAGES/player.po``, their template
``cmacourse/locale/player.pot`` (``catalogs`` says which languages have one). Message ids are the English words, with ``{name}`` placeholders. A plural
message's forms follow the catalog's ``Plural-Forms``, which for every language Babel knows lists the
CLDR categories in their canonical order (``zero one two few many other``, those the language has):
the player chooses by category, in Python with Babel's rule and in the browser with the same rule as
data (``words.js``), so a decimal such as 1.5 takes the form CLDR gives it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from babel.numbers import format_percent
from babel.plural import PluralRule

from ..catalogs import DOMAIN, FALLBACK, catalog_for, locale_folder
from ..numbers import number_text, shown_number

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

#: CLDR's plural categories in their canonical order, the order of a catalog's plural forms.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A marker value whose digits appear once in a formatted percentage, to find the locale's pattern around them.
_PERCENT_PROBE = 0.25


class CatalogError(ValueError):
    """A shipped catalog that the player cannot use: a bug in the package, found by the tests."""


def mark(message: str) -> str:
    """A message id for the catalogs, translated where it is shown (Babel extracts ``mark("...")`` calls)."""
    return message


def fill(text: str, params: Mapping[str, Any]) -> str:
    """``text`` with each ``{name}`` replaced by ``params[name]``; an unknown name stays as written."""
    if not params:
        return text
    return _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), text)


def placeholders(text: str) -> set[str]:
    """The names of a message's ``{name}`` placeholders."""
    return set(_PLACEHOLDER.findall(text))


def plural_categories(rule: PluralRule) -> tuple[str, ...]:
    """The categories a rule can give, in canonical order; ``other`` is always one."""
    return tuple(c for c in CATEGORIES if c in rule.tags or c == "other")


def plural_rule_data(rule: PluralRule) -> list[list[Any]]:
    """A rule as JSON data for ``words.js``: ``[[category, condition], ...]``, tried in order, else ``other``.

    A condition is ``["and", a, b]``, ``["or", a, b]``, ``["not", a]``, or a relation
    ``["in" | "within", operand, [[low, high], ...]]`` where an operand is a CLDR operand letter or
    ``["mod", letter, divisor]`` (UTS #35, Language Plural Rules).
    """
    return [[tag, _condition(ast)] for tag, ast in rule.abstract]


def _condition(node: tuple[Any, ...]) -> Any:
    op, args = node
    if op in ("and", "or"):
        return [op, _condition(args[0]), _condition(args[1])]
    if op == "not":
        return ["not", _condition(args[0])]
    if op == "relation":
        method, expr, (_, ranges) = args
        return [method, _operand(expr), [[low[1][0], high[1][0]] for low, high in ranges]]
    raise CatalogError(f"plural rule node {op!r} is not one words.js evaluates")


def _operand(expr: tuple[Any, ...]) -> Any:
    op, args = expr
    if op == "mod":
        return ["mod", args[0][0], args[1][1][0]]
    return op


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-" if "-" in language else "_")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


@attrs.frozen
class NumberMarks:
    """How a language writes a number: its decimal mark, its group (thousands) separator, its percentage."""

    decimal: str
    group: str
    #: The percentage pattern with ``{n}`` for the number: ``{n}%`` in English, ``{n}\u00a0%`` in Spanish.
    percent: str


def number_marks(language: str) -> NumberMarks:
    """The marks of a BCP 47 tag by Babel's CLDR data (Latin digits); English's for a tag CLDR does not know."""
    locale = _locale(language)
    symbols = locale.number_symbols["latn"]
    probe = format_percent(_PERCENT_PROBE, locale=locale, numbering_system="latn")
    return NumberMarks(decimal=symbols["decimal"], group=symbols["group"],
                       percent=probe.replace(number_text(_PERCENT_PROBE * 100), "{n}", 1))


class Words:
    """The player's words for one course language: the catalog's translations, plural rule and number marks."""

    def __init__(self, language: str, catalog: str, messages: Mapping[str, str],
                 plurals: Mapping[str, Mapping[str, str]], javascript: frozenset[str]) -> None:
        #: The course's language (its number marks) and the catalog's (its words and plural rule).
        self.language = language
        self.catalog = catalog
        self.marks = number_marks(language)
        self.rule = _locale(catalog).plural_form
        self._messages = messages
        self._plurals = plurals
        self._javascript = javascript

    def gettext(self, message: str, /, **params: Any) -> str:
        """The translation of ``message``, its placeholders filled from ``params``."""
        return fill(self._messages.get(message) or message, params)

    def ngettext(self, singular: str, plural: str, count: float, /, **params: Any) -> str:
        """The form of a plural message that ``count`` takes in the catalog's language, placeholders filled."""
        forms = self._plurals.get(singular)
        category = self.rule(Decimal(number_text(abs(count))))
        if forms is None:
            return fill(singular if category == "one" else plural, params)
        return fill(forms.get(category) or forms["other"], params)

    def number(self, value: float, places: int | None = None) -> str:
        """A number as the course's language writes it: ``1.234,5`` in Spanish, ``1,234.5`` in English."""
        return shown_number(value, self.marks.decimal, self.marks.group, places)

    def percent(self, value: float, places: int | None = 0) -> str:
        """A percentage (0–100) in the language's pattern, ``80%`` or ``80\u00a0%``: rounded to ``places`` decimals, or as given."""
        return fill(self.marks.percent, {"n": self.number(value, places)})

    def points(self, value: float) -> str:
        """``1 point``, ``2 points``, ``1,5 puntos``."""
        return self.ngettext("{n} point", "{n} points", value, n=self.number(value))

    def script_data(self) -> dict[str, Any]:
        """What ``words.js`` needs: the words the scripts use, the plural rule and the number marks."""
        return {
            "language": self.catalog,
            "messages": {m: self._messages.get(m) or m for m in sorted(self._javascript) if m in self._messages},
            "plurals": {m: dict(self._plurals[m]) for m in sorted(self._javascript) if m in self._plurals},
            "rule": plural_rule_data(self.rule),
            "decimal": self.marks.decimal, "group": self.marks.group, "percent": self.marks.percent,
        }


@functools.cache
def words_for(language: str) -> Words:
    """The player's words for a course in ``language`` (a BCP 47 tag): its catalog's, else English."""
    catalog = catalog_for(language) or FALLBACK
    messages, plurals, javascript = _read_catalog(catalog)
    return Words(language, catalog, messages, plurals, javascript)


def catalog_file(language: str) -> Traversable:
    """The packaged ``.po`` file of a catalog language."""
    return locale_folder() / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_file() -> Traversable:
    """The packaged ``.pot`` template: every message id the player uses, with where it is used."""
    return locale_folder() / f"{DOMAIN}.pot"


def _read_catalog(language: str) -> tuple[dict[str, str], dict[str, dict[str, str]], frozenset[str]]:
    with catalog_file(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    categories = plural_categories(_locale(language).plural_form)
    if catalog.num_plurals != len(categories):
        raise CatalogError(f"{language}/{DOMAIN}.po: Plural-Forms gives {catalog.num_plurals} forms, but CLDR's rule "
                           f"for {language!r} has {len(categories)} ({', '.join(categories)})")
    messages: dict[str, str] = {}
    plurals: dict[str, dict[str, str]] = {}
    for message in _translated(catalog):
        if isinstance(message.id, tuple):
            plurals[message.id[0]] = dict(zip(categories, message.string))
        else:
            messages[message.id] = message.string
    return messages, plurals, _javascript_ids()


def _translated(catalog: Any) -> Iterator[Any]:
    # A fuzzy or empty translation is not used: the English words show instead.
    for message in catalog:
        if message.id and not message.fuzzy and all(message.string if isinstance(message.string, tuple)
                                                       else (message.string,)):
            yield message


@functools.cache
def _javascript_ids() -> frozenset[str]:
    # The template records where each id is used; the ids used by a script go to the browser.
    with template_file().open("rb") as handle:
        template = read_po(handle, domain=DOMAIN)
    return frozenset(m.id[0] if isinstance(m.id, tuple) else m.id for m in template
                     if m.id and any(path.endswith(".js") for path, _ in m.locations))
