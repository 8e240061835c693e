"""What every format module shares for writing: the package writer and one lxml element helper."""

from __future__ import annotations

from lxml import etree

from ..packaging import Layout, PackageWriter

__all__ = ["Layout", "PackageWriter", "sub_element"]


def sub_element(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child element with optional text; ``tag`` is already namespace-qualified."""
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element
