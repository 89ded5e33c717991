"""Path converters shared by the apps' URLconfs. Importing this module registers them."""

from django.urls import register_converter


class TextConverter:
    """Like `str`, minus control characters: a reference or code with NUL in it would reach a query, and
    PostgreSQL refuses NUL in text (a 500 where a 404 belongs)."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TextConverter, "text")
