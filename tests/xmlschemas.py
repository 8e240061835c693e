"""Compiling the official XSDs offline, as one wrapper schema per manifest kind."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

#: The W3C schema for xml:lang and xml:base, which the official schemas import from the network.
W3C_XML_XSD = "http://www.w3.org/2001/xml.xsd"


class OfflineResolver(etree.Resolver):
    """Serves the W3C xml.xsd (and anything else named in ``aliases``) from the spec folder, never the network."""

    def __init__(self, aliases: dict[str, Path]) -> None:
        super().__init__()
        self.aliases = aliases

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def,override]
        for name, path in self.aliases.items():
            if system_url == name or system_url.endswith("/" + name):
                return self.resolve_filename(str(path), context)
        return None


def compile_schema(imports: dict[str, Path], aliases: dict[str, Path]) -> etree.XMLSchema:
    """One schema that imports every namespace a document uses: {namespace: xsd file}."""
    xs = "http://www.w3.org/2001/XMLSchema"
    body = "".join(f'<xs:import namespace="{ns}" schemaLocation="{path.resolve().as_uri()}"/>' for ns, path in imports.items())
    wrapper = f'<xs:schema xmlns:xs="{xs}" elementFormDefault="qualified">{body}</xs:schema>'
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(OfflineResolver(aliases))
    # The wrapper needs a base URL of its own: libxml2 refuses a schema that seems to import itself.
    base = next(iter(imports.values())).resolve().parent / "wrapper.xsd"
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=base.as_uri()))


def assert_valid(schema: etree.XMLSchema, document: bytes) -> None:
    """Fail with every XSD error, line by line, if the document is not valid."""
    tree = etree.fromstring(document)
    if not schema.validate(tree):
        errors = "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)  # type: ignore[attr-defined]
        raise AssertionError(f"document is not valid against the XSDs:\n{errors}")
