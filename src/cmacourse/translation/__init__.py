"""Translating a course: its strings out as XLIFF 1.2 for a translator, their work back in beside the source.

``export_translation`` writes every translatable string of a course (the fields its JSON Schemas mark
with ``x-translate``) as one XLIFF file; ``import_translation`` checks a translated file against the
course and keeps it in ``locales/<lang>/translation.xlf``.
"""

from .workflow import ExportSummary, ImportSummary, export_translation, import_translation, translation_path

__all__ = ["ExportSummary", "ImportSummary", "export_translation", "import_translation", "translation_path"]
