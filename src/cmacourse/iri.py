"""Absolute IRIs (RFC 3987) as a course may give them for its xAPI and cmi5 activity identifiers.

The check is the RFC's ``absolute-IRI`` rule, narrowed to what an activity identifier is used as: an
``http`` or ``https`` address with a host, and no query or fragment (the identifiers of the course's
modules, pages and questions are made by appending paths to it). It is the one definition of a valid
``base_iri``: the schemas' ``format: iri`` and the exporters' ``-O base_iri=`` both use it.
"""

from __future__ import annotations

import functools
import re

# RFC 3987 section 2.2: ucschar (the non-ASCII letters an IRI may hold), and RFC 3986's unreserved,
# sub-delims and pct-encoded.
_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd\U00040000-\U0004fffd"
    "\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_IUNRESERVED = f"A-Za-z0-9\\-._~{_UCSCHAR}"
_SUB_DELIMS = "!$&'()*+,;="
_PCT = "%[0-9A-Fa-f]{2}"
_IPCHAR = f"(?:[{_IUNRESERVED}{re.escape(_SUB_DELIMS)}:@]|{_PCT})"
_IREG_NAME = f"(?:[{_IUNRESERVED}{re.escape(_SUB_DELIMS)}]|{_PCT})+"
_IPV6 = r"\[[0-9A-Fa-f:.]+\]"
_IUSERINFO = f"(?:(?:[{_IUNRESERVED}{re.escape(_SUB_DELIMS)}:]|{_PCT})*@)?"

_ABSOLUTE_HTTP_IRI = rf"https?://{_IUSERINFO}(?:{_IPV6}|{_IREG_NAME})(?::[0-9]{{1,5}})?(?:/{_IPCHAR}*)*"

#: What messages say a valid value is.
DESCRIPTION = "an absolute IRI (http or https, with no query or fragment) such as https://example.org/courses/my-course"


def is_absolute_iri(value: object) -> bool:
    """Whether ``value`` is an absolute ``http(s)`` IRI with a host and no query or fragment."""
    return isinstance(value, str) and _absolute_http_iri().fullmatch(value) is not None


@functools.cache
def _absolute_http_iri() -> re.Pattern[str]:
    # Compiled on first use: its case-insensitive ranges over most of Unicode take longer to compile
    # than the rest of a command's start, and most commands check no IRI.
    return re.compile(_ABSOLUTE_HTTP_IRI, re.IGNORECASE)
