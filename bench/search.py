"""Benchmark the site search: 2,000 generated pages of Chinese text, indexed, then searched, in ms per search.

    .venv/bin/python bench/search.py [--pages 2000]

Runs on a throw-away SQLite database in a temporary directory (never db.sqlite3); set BENCH_DATABASE_URL to
measure on another database, e.g. postgres://postgres@127.0.0.1:5432/bench_search (it must not hold data).
"""

import argparse
import datetime
import random
import statistics
import time

from throwaway import throwaway_django

QUERIES = ["公款", "挪用公款", "公款 吃喝", "小金库 礼金", "ＡＢＣ", "不存在的词语"]
PHRASES = [
    "违反中央八项规定精神",
    "挪用公款吃喝",
    "收受礼品礼金",
    "违规发放津贴补贴",
    "设立小金库",
    "公车私用",
    "接受管理服务对象宴请",
    "利用职务上的便利为他人谋取利益",
    "严重违反组织纪律",
    "给予开除党籍处分",
    "深刻汲取教训，引以为戒",
    "全面从严治党永远在路上",
    "纪检监察机关坚决查处",
    "不正之风和腐败问题",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with throwaway_django("bench-search-"):
        run(args.pages, args.runs)


def body(rng, length=600):
    text = ""
    while len(text) < length:
        text += rng.choice(PHRASES) + "，" + "某某" * rng.randint(1, 20) + "。"
    return text


def run(pages, runs):
    from django.db import connection
    from wagtail.rich_text import RichText

    from cms import search
    from cms.models import ArticlePage, SectionPage
    from cms.services import ensure_home_page

    rng = random.Random(7)
    home = ensure_home_page()
    section = home.add_child(instance=SectionPage(title="理论与实践", slug="bench", kind="theory"))
    started = time.perf_counter()
    for number in range(pages):
        paragraphs = [("paragraph", RichText(f"<p>{body(rng)}</p>")) for _ in range(3)]
        if number == pages // 2:
            paragraphs.append(("paragraph", RichText("<p>abc 公司</p>")))
        section.add_child(
            instance=ArticlePage(
                title=f"{rng.choice(PHRASES)}的典型案例（{number}）",
                slug=f"a{number}",
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 1500),
                body=paragraphs,
            )
        )
    print(f"created {pages} pages in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    count = search.rebuild_index()
    print(f"rebuild_index: {count} pages in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
            cursor.execute("ANALYZE")
    for query in QUERIES:
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            results = search.search(query)
            timings.append((time.perf_counter() - started) * 1000)
        median, worst = statistics.median(timings), max(timings)
        print(f"{query!r:>16}: {results.total:5d} hits, median {median:6.1f} ms, max {worst:6.1f} ms")


if __name__ == "__main__":
    main()
