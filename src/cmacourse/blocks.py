"""Content blocks: the pieces a page is made of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .sourcemap import SourceRef


class Block:
    """Base of every content block. A plugin block type subclasses it and is registered by ``type_name``.

    A subclass sets ``type_name`` (the fence info string authors write), ``schema`` (a JSON Schema
    for the block's YAML body, or a reference into the packaged schemas), implements ``from_raw``
    and, for a plugin, ``render_html``.
    """

    type_name: ClassVar[str]
    #: A JSON Schema, or ``"blocks#/$defs/<name>"`` for a packaged one.
    schema: ClassVar[str | Mapping[str, Any]]

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Block:
        raise NotImplementedError

    def media(self) -> tuple[tuple[str, str], ...]:
        """(course-relative path, JSON pointer suffix) of every file this block shows."""
        return ()

    def markdown(self) -> tuple[str, ...]:
        """Every Markdown text inside the block, for link checks and search."""
        return ()

    def render_html(self, render_markdown: Any) -> str:
        """HTML for a plugin block; built-in blocks are rendered by the player's templates."""
        raise NotImplementedError(f"block type {self.type_name!r} cannot render itself")


@attrs.frozen(kw_only=True)
class Text(Block):
    """Markdown prose between the other blocks."""

    type_name: ClassVar[str] = "text"
    schema: ClassVar[str] = "common#/$defs/markdown"
    text: str
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    def markdown(self) -> tuple[str, ...]:
        return (self.text,)


@attrs.frozen(kw_only=True)
class Callout(Block):
    """A boxed note, tip, warning, important point or scenario."""

    type_name: ClassVar[str] = "callout"
    schema: ClassVar[str] = "blocks#/$defs/callout"
    text: str
    style: str = "note"
    title: str | None = None
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Callout:
        return cls(text=raw["text"], style=raw.get("style", "note"), title=raw.get("title"), source=source)

    def markdown(self) -> tuple[str, ...]:
        return (self.text,)


@attrs.frozen(kw_only=True)
class Image(Block):
    """An image with required alternative text."""

    type_name: ClassVar[str] = "image"
    schema: ClassVar[str] = "blocks#/$defs/image"
    src: str
    alt: str
    title: str | None = None
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Image:
        return cls(src=raw["src"], alt=raw["alt"], title=raw.get("title"), source=source)

    def media(self) -> tuple[tuple[str, str], ...]:
        return ((self.src, "/src"),)


@attrs.frozen(kw_only=True)
class Figure(Block):
    """An image with alternative text, a visible caption and an optional long description."""

    type_name: ClassVar[str] = "figure"
    schema: ClassVar[str] = "blocks#/$defs/figure"
    src: str
    alt: str
    caption: str
    long_description: str | None = None
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Figure:
        return cls(src=raw["src"], alt=raw["alt"], caption=raw["caption"],
                   long_description=raw.get("long_description"), source=source)

    def media(self) -> tuple[tuple[str, str], ...]:
        return ((self.src, "/src"),)

    def markdown(self) -> tuple[str, ...]:
        return (self.caption, *((self.long_description,) if self.long_description else ()))


@attrs.frozen(kw_only=True)
class Table(Block):
    """A data table with a caption, column headers and optional row headers."""

    type_name: ClassVar[str] = "table"
    schema: ClassVar[str] = "blocks#/$defs/table"
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_headers: bool = False
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Table:
        rows = tuple(tuple(str(cell) for cell in row) for row in raw["rows"])
        return cls(caption=raw["caption"], columns=tuple(raw["columns"]), rows=rows,
                   row_headers=raw.get("row_headers", False), source=source)

    def markdown(self) -> tuple[str, ...]:
        return tuple(cell for row in self.rows for cell in row)


@attrs.frozen(kw_only=True)
class List(Block):
    """An ordered or unordered list of Markdown items."""

    type_name: ClassVar[str] = "list"
    schema: ClassVar[str] = "blocks#/$defs/list"
    items: tuple[str, ...]
    ordered: bool = False
    title: str | None = None
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> List:
        return cls(items=tuple(raw["items"]), ordered=raw.get("ordered", False), title=raw.get("title"), source=source)

    def markdown(self) -> tuple[str, ...]:
        return self.items


@attrs.frozen(kw_only=True)
class Audio(Block):
    """An audio file with a required transcript."""

    type_name: ClassVar[str] = "audio"
    schema: ClassVar[str] = "blocks#/$defs/audio"
    src: str
    title: str
    transcript: str
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Audio:
        return cls(src=raw["src"], title=raw["title"], transcript=raw["transcript"], source=source)

    def media(self) -> tuple[tuple[str, str], ...]:
        return ((self.src, "/src"),)

    def markdown(self) -> tuple[str, ...]:
        return (self.transcript,)


@attrs.frozen(kw_only=True)
class Video(Block):
    """A video file with a required transcript, optional captions and poster."""

    type_name: ClassVar[str] = "video"
    schema: ClassVar[str] = "blocks#/$defs/video"
    src: str
    title: str
    transcript: str
    captions: str | None = None
    poster: str | None = None
    source: SourceRef | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], source: SourceRef) -> Video:
        return cls(src=raw["src"], title=raw["title"], transcript=raw["transcript"],
                   captions=raw.get("captions"), poster=raw.get("poster"), source=source)

    def media(self) -> tuple[tuple[str, str], ...]:
        extra = tuple((path, f"/{key}") for key, path in (("captions", self.captions), ("poster", self.poster)) if path)
        return ((self.src, "/src"), *extra)

    def markdown(self) -> tuple[str, ...]:
        return (self.transcript,)


#: The block types every installation has, by the fence info string that introduces them.
BUILTIN_BLOCKS: dict[str, type[Block]] = {cls.type_name: cls for cls in (Callout, Image, Figure, Table, List, Audio, Video)}

#: Keys of a block's raw data that hold a media path, resolved against the page's folder on load.
MEDIA_KEYS = ("src", "captions", "poster")
