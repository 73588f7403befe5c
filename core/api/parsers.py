"""Request parsing that turns every malformed body into a 400, never a 500."""
from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json raises RecursionError (not ValueError) for deeply nested documents
            raise ParseError("JSON parse error - the document is nested too deeply.")
