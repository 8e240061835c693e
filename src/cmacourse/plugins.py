"""The content blocks' and question types' registries, and what the loader asks of them."""

from __future__ import annotations

from collections.abc import Mapping

from .blocks import BUILTIN_BLOCKS, Block
from .questions import BUILTIN_QUESTIONS, Question
from .registry import BLOCKS_GROUP, EXPORTERS_GROUP, QUESTIONS_GROUP, PluginInfo, Registry

__all__ = ["BLOCKS_GROUP", "EXPORTERS_GROUP", "QUESTIONS_GROUP", "PluginInfo", "Registry", "block_types", "blocks",
           "question_types", "questions"]


def _targets(classes: Mapping[str, type]) -> dict[str, str]:
    return {name: f"{cls.__module__}:{cls.__qualname__}" for name, cls in classes.items()}


blocks: Registry[Block] = Registry(BLOCKS_GROUP, _targets(BUILTIN_BLOCKS), Block, lambda cls: cls.type_name)
questions: Registry[Question] = Registry(QUESTIONS_GROUP, _targets(BUILTIN_QUESTIONS), Question, lambda cls: cls.type_name)


def block_types() -> dict[str, type[Block]]:
    """Every content block type, built-in and installed, by the fence info string that introduces it."""
    return blocks.all()


def question_types() -> dict[str, type[Question]]:
    """Every question type, built-in and installed, by the ``type`` authors write."""
    return questions.all()
