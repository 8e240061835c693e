"""The options contract of export formats: each format declares its ``-O key=value`` options and their types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from ..errors import UsageError
from ..hints import did_you_mean

OptionKind = Literal["text", "flag", "choice"]

#: The words a flag option accepts, as the command line gives them.
_TRUE = ("yes", "true", "on", "1")
_FALSE = ("no", "false", "off", "0")


@attrs.frozen
class Option:
    """One ``-O key=value`` option a format takes.

    ``kind`` is ``text`` (any text), ``flag`` (yes/no, true/false, on/off, 1/0) or ``choice`` (one of ``choices``).
    """

    key: str
    kind: OptionKind
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()

    def parse(self, value: Any, format_name: str) -> Any:
        """The value as its kind, from text or an already typed value.

        Raises:
            UsageError: the value is not one the option accepts.
        """
        if self.kind == "flag":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise UsageError(f"the {format_name} format's option {self.key}={value!r} is not yes or no; use {self.key}=yes or {self.key}=no")
        text = str(value).strip()
        if self.kind == "choice" and text.lower() not in self.choices:
            hint = did_you_mean(text, self.choices)
            raise UsageError(f"the {format_name} format's option {self.key}={value!r} is not valid; "
                             f"{hint + ' ' if hint else ''}use one of: {', '.join(self.choices)}")
        return text.lower() if self.kind == "choice" else text

    def usage(self) -> str:
        """``key=a|b`` as ``cmacourse formats`` lists it."""
        values = {"text": "TEXT", "flag": "yes|no", "choice": "|".join(self.choices)}[self.kind]
        return f"{self.key}={values}"

    def default_text(self) -> str:
        if self.default is None:
            return ""
        if isinstance(self.default, bool):
            return "yes" if self.default else "no"
        return str(self.default)


def parse_options(format_name: str, declared: Iterable[Option], given: Mapping[str, Any]) -> dict[str, Any]:
    """The options given to a format, each checked against its declaration and typed.

    Raises:
        UsageError: a key the format does not declare (with the nearest one it does), or a bad value.
    """
    by_key = {option.key: option for option in declared}
    for key in given:
        if key not in by_key:
            raise unknown_option(format_name, key, list(by_key))
    return {key: by_key[key].parse(value, format_name) for key, value in given.items()}


def unknown_option(where: str, key: str, known: list[str]) -> UsageError:
    """The one error every format gives for an option it does not take."""
    if not known:
        return UsageError(f"the {where} format takes no options; got {key}")
    hint = did_you_mean(key, known)
    return UsageError(f"the {where} format has no option {key!r}; {hint + ' ' if hint else ''}its options: {', '.join(known)}")
