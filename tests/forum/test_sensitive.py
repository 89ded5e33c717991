import os

import pytest
from django.conf import settings
from django.test import override_settings

from forum.sensitive import Matcher, find_sensitive_words, get_matcher, normalise, read_words


def test_the_shipped_word_list_is_read_without_comments_or_blanks():
    words = read_words(settings.FORUM_SENSITIVE_WORDS_FILE)
    assert 35 <= len(words) <= 80
    assert "代开发票" in words and "刷单" in words
    assert not any(word.startswith("#") for word in words)


@pytest.mark.parametrize(
    "text",
    [
        "本人长期代开发票，价格优惠",
        "代 开 发 票，需要的联系",
        "代-开-发-票",
        "代　开·发＊票",  # full-width space, middle dot, full-width asterisk
        "兼职 刷 单 日结",
        "你这个傻Ｂ",  # full-width letter
        "ＱＵＩＣＫ　ＭＯＮＥＹ here",
        "Quick-Money!",
    ],
)
def test_a_listed_word_is_found_through_spaces_punctuation_and_full_width_letters(text):
    assert find_sensitive_words(text)


def test_ordinary_posts_about_integrity_pass():
    assert find_sensitive_words("春节期间如何婉拒管理服务对象的礼品礼金？", "大家分享一下经验。") == []
    assert find_sensitive_words("发票报销流程请问在哪里查询") == []


def test_overlapping_words_are_all_found_in_one_pass():
    matcher = Matcher(["he", "she", "his", "hers", "赌博", "网络赌博网站"])
    assert matcher.find("ushers") == ["he", "she", "hers"]
    assert matcher.find("参与网络赌博网站") == ["赌博", "网络赌博网站"]
    assert matcher.find("") == []


def test_normalise_folds_width_and_case_and_drops_separators():
    assert normalise("Ａ Ｂ-c，中　文!") == "abc中文"


def test_the_matcher_is_rebuilt_when_the_file_changes(tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("# test list\n违禁词\n", encoding="utf-8")
    with override_settings(FORUM_SENSITIVE_WORDS_FILE=words):
        first = get_matcher()
        assert get_matcher() is first  # cached
        assert find_sensitive_words("这里有违禁词") == ["违禁词"]
        words.write_text("新词\n", encoding="utf-8")
        stat = words.stat()
        os.utime(words, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        assert find_sensitive_words("这里有违禁词") == []
        assert find_sensitive_words("一个新 词") == ["新词"]
