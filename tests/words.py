"""What a person reads on a page: its visible text, and the codes that must never be in it."""

import re
from html.parser import HTMLParser

# An event kind or internal key ("application.accepted", "approvals.application:7") or a raw state after an arrow.
RAW_CODE = re.compile(r"\b[a-z]+_?[a-z_]*\.[a-z_]+\b|→ [a-z_]+\b")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            # What a person reads besides the text: a field's placeholder, a tooltip, an image's description.
            if name in ("placeholder", "title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def raw_codes(html: str) -> list[str]:
    return RAW_CODE.findall(visible_text(html))
