"""Hostile input: the text, numbers and files a careless client or an attacker sends."""

import json
import urllib.parse

from hypothesis import strategies as st

# Inputs that broke real systems: NUL (PostgreSQL refuses it in text), lone surrogates (no UTF-8 encoding), bidi and
# zero-width marks, numbers past 64 bits, SQL and template syntax, paths, emoji with modifiers.
SPECIALS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 10,
    "\ud800",
    "x\udfffy",
    "\u202e\u200b\ufeff",
    "\r\n\t\x0b\x0c\x1b[31m",
    "👨‍👩‍👧‍👦🏳️‍🌈",
    "null",
    "None",
    "undefined",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "-0",
    "1e309",
    "99999999999999999999999999999",
    str(2**63),
    str(-(2**63) - 1),
    "1.5",
    "0x10",
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "%00",
    "%s%s%s%n",
    "2024-02-30",
    "2024-13-01T25:61:61",
    "0000-00-00",
    "+8613800138000",
    "+86 138 0013 8000\x00",
    "QH-SJJ-001",
    "SP20240101000001",
    "TS-2024-000001",
    "A" * 300,
]

CONTROL = st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Co", "Zs", "So"])
ANY_CHAR = st.characters(codec=None)


def texts(max_size=60):
    """Mostly short, sometimes special, now and then huge."""
    return st.one_of(
        st.sampled_from(SPECIALS),
        st.text(ANY_CHAR, max_size=max_size),
        st.text(CONTROL, min_size=1, max_size=20),
        st.builds(lambda s, n: s * n, st.sampled_from(["字", "a", "\x00", "😀", " "]), st.integers(500, 120_000)),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats().map(str),
    )


def numbers():
    """As strings, as sent in a form or query string."""
    return st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["", "0", "-1", "1", "2", "3", "1.5", "1e3", "NaN", "abc", "\x00", "1\x00", "٣", "１"]),
    )


def json_values(max_leaves=10):
    """Any JSON value, with the hostile texts and numbers inside."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
        texts(30),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts(10), inner, max_size=4)),
        max_leaves=max_leaves,
    )


def files(max_size=40_000):
    """An upload: odd names, content types and bodies (sometimes a real PDF or PNG header, sometimes huge)."""
    bodies = st.one_of(
        st.binary(max_size=2000),
        st.sampled_from(
            [
                b"",
                b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                b"\xff\xd8\xff\xe0" + b"\x00" * 32,
                b"PK\x03\x04" + b"\x00" * 40,
                b"MZ\x90\x00",
                b"<?php echo 1; ?>",
            ]
        ),
        st.integers(1, max_size).map(lambda n: b"%PDF-1.4\n" + b"0" * n),
    )
    names = st.one_of(
        st.sampled_from(
            ["a.pdf", "照片.png", "x.jpg", "doc.docx", "evil.exe", ".pdf", "a.pdf.exe", "noext", "a" * 300 + ".pdf"]
        ),
        texts(40).map(lambda s: (s or "f") + ".pdf"),
    )
    types = st.sampled_from(
        ["application/pdf", "image/png", "image/jpeg", "application/octet-stream", "text/html", "", "x/\x00"]
    )
    return st.tuples(names, bodies, types)


def to_bytes(text):
    """Lone surrogates travel as the raw (invalid UTF-8) bytes a broken client would send."""
    return text.encode("utf-8", "surrogatepass")


def urlencoded(pairs):
    """A form body from (name, value) pairs: repeated names, NUL, invalid UTF-8 all kept as sent."""
    return "&".join(
        urllib.parse.quote_plus(to_bytes(str(name))) + "=" + urllib.parse.quote_plus(to_bytes(str(value)))
        for name, value in pairs
    )


def query_string(pairs):
    return urlencoded(pairs)


def json_body(value):
    """JSON the way any client library writes it: ASCII escapes, so a lone surrogate arrives as \\ud800."""
    return json.dumps(value, ensure_ascii=True)


def form(fields, extra=True):
    """(name, value) pairs for a form, from {name: strategy of a plausible value}: each field plausible, hostile,
    missing or repeated, so that some cases get past validation to the service behind it."""
    hostile = st.one_of(texts(), numbers())
    per_field = []
    for name, good in fields.items():
        one = st.one_of(good, good, good, hostile)
        per_field.append(
            st.one_of(
                one.map(lambda v, n=name: [(n, v)]),
                one.map(lambda v, n=name: [(n, v)]),
                st.just([]),
                st.lists(one, min_size=2, max_size=3).map(lambda vs, n=name: [(n, v) for v in vs]),
            )
        )
    pairs = st.tuples(*per_field).map(lambda groups: [pair for group in groups for pair in group])
    if extra:
        junk = st.lists(st.tuples(texts(15), hostile), max_size=2)
        pairs = st.tuples(pairs, junk).map(lambda t: t[0] + t[1])
    return pairs
