"""Our zh_Hans catalogue never changes Wagtail's or Django's words by accident.

Django merges catalogues so that LOCALE_PATHS win over every installed app: an entry of ours without a context,
say msgid "Pages" → 分页 for our pagination, also renames Wagtail's 页面 in its admin menu. So an msgid of ours
without a context that an installed app's zh_Hans catalogue also has must keep that app's word, unless it is in
DELIBERATE_OVERRIDES below. Our own meaning goes under a context (pgettext, {% translate "x" context "y" %}).

The words Wagtail 8 shows but its own zh_Hans catalogue lacks are in locale/upstream (a LOCALE_PATHS entry after
ours): an msgid of ours that the upstream catalogue lists untranslated must agree with that file.
"""

import sysconfig
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings

LANGUAGE = "zh_Hans"
OURS = Path(settings.BASE_DIR) / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
SUPPLEMENT = Path(settings.BASE_DIR) / "locale" / "upstream" / LANGUAGE / "LC_MESSAGES" / "django.po"

# msgid: why we change Wagtail's or Django's word on purpose. Keep it short; each entry changes their admin too.
DELIBERATE_OVERRIDES: dict[str, str] = {}


def _catalogue(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete and entry.msgid]


def _translation(entry: polib.POEntry) -> str:
    if "fuzzy" in entry.flags:
        return ""
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def _upstream_catalogues() -> list[Path]:
    """The zh_Hans catalogues Django would use without ours, lowest precedence first (as Django merges them)."""
    # Installed packages live under the venv, which may itself sit in the checkout (make's .venv).
    packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    paths = [Path(django.__file__).parent / "conf" / "locale"]
    installed = [Path(config.path) for config in apps.get_app_configs()]
    paths += [path / "locale" for path in reversed(installed) if packages in path.resolve().parents]
    return [path / LANGUAGE / "LC_MESSAGES" / "django.po" for path in paths if (path / LANGUAGE).is_dir()]


def _upstream_words() -> tuple[dict[tuple, str], set[tuple]]:
    """(msgctxt, msgid) → the word Django would show without us; and the keys an upstream lists untranslated."""
    words: dict[tuple, str] = {}
    untranslated: set[tuple] = set()
    for path in _upstream_catalogues():
        for entry in _catalogue(path):
            key = (entry.msgctxt, entry.msgid)
            if _translation(entry):
                words[key] = _translation(entry)  # a later catalogue (earlier installed app) wins, as in Django
            else:
                untranslated.add(key)
    return words, untranslated - set(words)


def test_the_upstream_catalogues_are_found():
    found = {str(path.relative_to(Path(django.__file__).parents[1])) for path in _upstream_catalogues()}
    assert "wagtail/admin/locale/zh_Hans/LC_MESSAGES/django.po" in found
    assert "django/contrib/admin/locale/zh_Hans/LC_MESSAGES/django.po" in found
    assert "django/conf/locale/zh_Hans/LC_MESSAGES/django.po" in found


def test_our_catalogue_keeps_wagtail_and_django_words():
    words, _ = _upstream_words()
    collisions = [
        f"{entry.msgid!r}: ours {_translation(entry)}, theirs {words[(None, entry.msgid)]}"
        for entry in _catalogue(OURS)
        if entry.msgctxt is None
        and (None, entry.msgid) in words
        and _translation(entry)
        and _translation(entry) != words[(None, entry.msgid)]
        and entry.msgid not in DELIBERATE_OVERRIDES
    ]
    assert not collisions, "give our meaning a context (pgettext):\n" + "\n".join(collisions)


def test_words_upstream_lacks_are_translated_once_for_both():
    """A word Wagtail leaves untranslated or only uses in its code (so locale/upstream supplies it) is shared too."""
    _, untranslated = _upstream_words()
    supplied = {entry.msgid: _translation(entry) for entry in _catalogue(SUPPLEMENT) if entry.msgctxt is None}
    disagreements = [
        f"{entry.msgid!r}: ours {_translation(entry)}, locale/upstream {supplied.get(entry.msgid, '(none)')}"
        for entry in _catalogue(OURS)
        if entry.msgctxt is None
        and ((None, entry.msgid) in untranslated or entry.msgid in supplied)
        and _translation(entry)
        and _translation(entry) != supplied.get(entry.msgid)
    ]
    assert not disagreements, "give our meaning a context, or supply the word in locale/upstream:\n" + "\n".join(
        disagreements
    )


def test_the_supplement_only_fills_gaps():
    """locale/upstream adds the words Wagtail and Django lack; it never re-translates one they have."""
    words, _ = _upstream_words()
    assert len(_catalogue(SUPPLEMENT)) > 300  # Wagtail 8's admin words its zh_Hans catalogue lacks
    redone = [
        f"{entry.msgid!r}: {_translation(entry)} but theirs {words[(entry.msgctxt, entry.msgid)]}"
        for entry in _catalogue(SUPPLEMENT)
        if (entry.msgctxt, entry.msgid) in words and _translation(entry) != words[(entry.msgctxt, entry.msgid)]
    ]
    assert not redone, "\n".join(redone)


@pytest.mark.parametrize(
    "path", [OURS, SUPPLEMENT, SUPPLEMENT.with_name("djangojs.po")], ids=["ours", "upstream", "js"]
)
def test_every_entry_is_translated(path):
    assert [entry.msgid for entry in _catalogue(path) if not _translation(entry)] == []


def test_deliberate_overrides_are_still_needed():
    words, _ = _upstream_words()
    ours = {entry.msgid for entry in _catalogue(OURS) if entry.msgctxt is None}
    assert [msgid for msgid in DELIBERATE_OVERRIDES if msgid not in ours or (None, msgid) not in words] == []
