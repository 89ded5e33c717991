"""Sensitive-word matching for forum posts: one Aho-Corasick automaton over the words of a data file.

Text and words are normalised the same way before matching: NFKC (full-width letters and digits become
half-width), case-folded, and every space, punctuation mark and symbol dropped, so "代 开 发 票", "代-开-发-票" and
"ＱＵＩＣＫ money" are caught. Matching is linear in the length of the text whatever the number of words.
The automaton is built once per process and rebuilt when the file changes.
"""

import threading
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# Unicode categories that are dropped: separators (Z*), punctuation (P*), symbols (S*) and controls/format (C*).
_DROPPED_CATEGORIES = ("Z", "P", "S", "C")


def normalise(text):
    """The text as the matcher sees it: NFKC, case-folded, without spaces, punctuation or symbols."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in text if not unicodedata.category(char).startswith(_DROPPED_CATEGORIES))


@dataclass
class _Node:
    children: dict = field(default_factory=dict)
    fail: int = 0
    # Words (as written in the file) that end at this node, including those reached through fail links.
    outputs: tuple = ()


class Matcher:
    """An Aho-Corasick automaton: ``find(text)`` returns the listed words the text contains, in file order."""

    def __init__(self, words):
        self.words = []
        nodes = [_Node()]
        for word in words:
            key = normalise(word)
            if not key:
                continue
            self.words.append(word)
            state = 0
            for char in key:
                nxt = nodes[state].children.get(char)
                if nxt is None:
                    nodes.append(_Node())
                    nxt = nodes[state].children[char] = len(nodes) - 1
                state = nxt
            nodes[state].outputs += (word,)
        # Breadth-first: each node's fail link points to the longest proper suffix that is also a prefix.
        queue = deque(nodes[0].children.values())
        while queue:
            state = queue.popleft()
            for char, child in nodes[state].children.items():
                fail = nodes[state].fail
                while fail and char not in nodes[fail].children:
                    fail = nodes[fail].fail
                target = nodes[fail].children.get(char, 0)
                nodes[child].fail = target if target != child else 0
                nodes[child].outputs += nodes[nodes[child].fail].outputs
                queue.append(child)
        self._nodes = nodes

    def find(self, text):
        nodes = self._nodes
        found = set()
        state = 0
        for char in normalise(text):
            while state and char not in nodes[state].children:
                state = nodes[state].fail
            state = nodes[state].children.get(char, 0)
            if nodes[state].outputs:
                found.update(nodes[state].outputs)
        return [word for word in self.words if word in found]


def read_words(path):
    """The words of a sensitive-word file: one per line, ``#`` starts a comment line, blanks ignored."""
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.append(line)
    return words


_lock = threading.Lock()
_cache = {}  # path -> (mtime_ns, Matcher)


def get_matcher(path=None):
    """The matcher for the configured file, rebuilt only when the file's modification time changes."""
    path = Path(path or settings.FORUM_SENSITIVE_WORDS_FILE)
    mtime = path.stat().st_mtime_ns
    cached = _cache.get(path)
    if cached is None or cached[0] != mtime:
        with _lock:
            cached = _cache.get(path)
            if cached is None or cached[0] != mtime:
                cached = _cache[path] = (mtime, Matcher(read_words(path)))
    return cached[1]


def find_sensitive_words(*texts):
    """The sensitive words found in any of the texts (empty list when none)."""
    matcher = get_matcher()
    found = []
    for text in texts:
        for word in matcher.find(text or ""):
            if word not in found:
                found.append(word)
    return found
