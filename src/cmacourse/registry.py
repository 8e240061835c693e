"""Plugin registries: built-in plugins plus an entry point group, listed without importing, loaded on demand.

This module knows nothing of what the plugins are, so the export formats' registry can list formats
without importing the model; ``plugins.py`` holds the content blocks' and question types' registries.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from importlib import metadata
from typing import Any, Generic, TypeVar

import attrs

from .errors import PluginLoadError, UnknownExporterError

#: Entry point groups that third-party distributions use to add plugins.
EXPORTERS_GROUP = "cmacourse.exporters"
BLOCKS_GROUP = "cmacourse.blocks"
QUESTIONS_GROUP = "cmacourse.questions"

T = TypeVar("T")


@attrs.frozen
class PluginInfo:
    """A plugin as listed, before anything is imported."""

    name: str
    target: str  #: ``"module:attribute"``
    distribution: str  #: the distribution that provides it; ``cmacourse`` for built-ins


class Registry(Generic[T]):
    """Built-in plugins plus an entry point group; lists names without importing, loads on demand.

    Args:
        group: the entry point group.
        builtins: name -> ``"module:attribute"`` of the plugins cmacourse ships.
        base: the class every plugin must subclass.
        name_of: reads the name a loaded plugin declares, which must equal its registered name.
    """

    def __init__(self, group: str, builtins: Mapping[str, str], base: type[T], name_of: Callable[[type[T]], str]) -> None:
        self.group = group
        self._builtins = dict(builtins)
        self._base = base
        self._name_of = name_of
        self._loaded: dict[str, type[T]] = {}
        # What discovery found, and for which sys.path: scanning every installed distribution costs
        # about 10 ms, as much as loading a whole course, and only a change of path can change it.
        self._discovered: tuple[tuple[str, ...], dict[str, PluginInfo]] | None = None

    def infos(self) -> dict[str, PluginInfo]:
        """Every plugin by name, sorted.

        Raises:
            PluginLoadError: two distributions register the same name.
        """
        path = tuple(sys.path)
        if self._discovered is None or self._discovered[0] != path:
            self._discovered = (path, self._discover())
        return dict(self._discovered[1])

    def _discover(self) -> dict[str, PluginInfo]:
        found = {name: PluginInfo(name, target, "cmacourse") for name, target in self._builtins.items()}
        for ep in metadata.entry_points(group=self.group):
            dist = ep.dist.name if ep.dist else "?"
            if ep.name in found and found[ep.name].target != ep.value:
                raise PluginLoadError(self.group, ep.name, f"registered by both {found[ep.name].distribution} and {dist}; uninstall one")
            found.setdefault(ep.name, PluginInfo(ep.name, ep.value, dist))
        return dict(sorted(found.items()))

    def names(self) -> tuple[str, ...]:
        return tuple(self.infos())

    def get(self, name: str) -> type[T]:
        """The plugin class registered under ``name``, imported and checked.

        Raises:
            UnknownExporterError: no plugin has that name (a LookupError).
            PluginLoadError: it cannot be imported, is not a subclass of the base, or declares another name.
        """
        if name in self._loaded:
            return self._loaded[name]
        infos = self.infos()
        if name not in infos:
            raise UnknownExporterError(name, tuple(infos))
        info = infos[name]
        module_name, _, attribute = info.target.partition(":")
        try:
            obj: Any = importlib.import_module(module_name)
            for part in attribute.split(".") if attribute else ():
                obj = getattr(obj, part)
        except Exception as exc:  # any failure inside a third-party import is that plugin's fault
            raise PluginLoadError(self.group, name, f"cannot load {info.target} from {info.distribution}: {exc}") from exc
        if not (isinstance(obj, type) and issubclass(obj, self._base)):
            raise PluginLoadError(self.group, name, f"{info.target} from {info.distribution} is not a subclass of {self._base.__name__}")
        declared = self._name_of(obj)
        if declared != name:
            raise PluginLoadError(self.group, name, f"{info.target} from {info.distribution} declares the name {declared!r}")
        self._loaded[name] = obj
        return obj

    def all(self) -> dict[str, type[T]]:
        """Every plugin loaded, by name."""
        return {name: self.get(name) for name in self.infos()}
