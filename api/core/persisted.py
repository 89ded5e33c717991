"""The persisted-query allow-list: in production an anonymous client may send only the documents the app ships.

Citizens use the app without an account; nothing they need goes beyond the queries and mutations in
frontend/static/frontend. Those are read from the JavaScript at first use (``query(NAME)`` with ``const NAME =
`...```, or a literal in the call; ``${FRAGMENT}`` substituted from the same file or another one), normalised
(parsed and printed again, so that whitespace and the app's GET compaction do not matter) and hashed with sha256.
With ``settings.GRAPHQL_PERSISTED_ONLY`` (on in production) an anonymous request whose document is not in the list
is refused before validation; staff and cadres signed in with a session get the full schema. A test fails when
the app sends a document this module cannot read.
"""

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from graphql import GraphQLSyntaxError, parse, print_ast

from api.core.documents import MAX_DOCUMENTS, Bounded

CONSTANT = re.compile(r"const (\w+) = (?:`([^`]*)`|\"([^\"\n]*)\"|'([^'\n]*)')")
SUBSTITUTION = re.compile(r"\$\{(\w+)\}")
SENT = re.compile(r"\b(?:query|mutate)\(\s*([A-Z][A-Z0-9_]*)\b")
INLINE = re.compile(r"\b(?:query|mutate)\(\s*(?:`([^`$]*)`|\"([^\"\n]*)\")")
DOCUMENT = re.compile(r"\s*(query|mutation|fragment|\{)")


def frontend_root() -> Path:
    return Path(settings.BASE_DIR) / "frontend" / "static" / "frontend"


def normalise(text: str) -> str | None:
    """The document as graphql-core prints it, or None when it does not parse."""
    try:
        return print_ast(parse(text))
    except GraphQLSyntaxError:
        return None


def document_hash(text: str) -> str | None:
    printed = normalise(text)
    return hashlib.sha256(printed.encode()).hexdigest() if printed is not None else None


def app_documents(root: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The app's GraphQL documents by "file:NAME", and the names it sends that could not be read as one."""
    root = root or frontend_root()
    files = {path.relative_to(root).as_posix(): path.read_text() for path in sorted(root.rglob("*.js"))}
    constants = {
        name: {found[0]: next(part for part in found[1:] if part) for found in CONSTANT.findall(text) if any(found[1:])}
        for name, text in files.items()
    }
    shared = {key: value for found in constants.values() for key, value in found.items()}
    documents, unreadable = {}, []
    for name, text in files.items():
        local = constants[name]
        for sent in sorted(set(SENT.findall(text))):
            document = local.get(sent, shared.get(sent))
            for _round in range(4):
                if document is None or "${" not in document:
                    break
                document = SUBSTITUTION.sub(
                    lambda m, c=local: c.get(m.group(1), shared.get(m.group(1), m.group(0))), document
                )
            if document is None or "${" in document or not DOCUMENT.match(document) or normalise(document) is None:
                unreadable.append(f"{name}:{sent}")
            else:
                documents[f"{name}:{sent}"] = document
        for found in INLINE.findall(text):
            inline = found[0] or found[1]
            if DOCUMENT.match(inline) and normalise(inline) is not None:
                documents[f"{name}:{inline[:40]}"] = inline
    return documents, unreadable


@lru_cache(maxsize=1)
def allowed_hashes() -> frozenset[str]:
    documents, _unreadable = app_documents()
    return frozenset(filter(None, (document_hash(text) for text in documents.values())))


# Texts found in the list, so that the app's requests are not parsed and printed again each time. Only those: a
# refused text is hashed anew each time, as before, and cannot push the app's out.
_allowed_texts = Bounded(MAX_DOCUMENTS)


def is_allowed(text: str) -> bool:
    if _allowed_texts.get(text):
        return True
    allowed = document_hash(text) in allowed_hashes()
    if allowed:
        _allowed_texts.put(text, True)
    return allowed
