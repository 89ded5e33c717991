"""Benchmark the GraphQL API against plain Django JSON views returning the same data, over real HTTP (gunicorn).

    .venv/bin/python bench/api.py [--concurrency 10] [--seconds 10]

Reuses bench/pages.py: a throw-away SQLite database holding the demo, gunicorn (2 workers x 4 threads) and the
production settings. Queries go by GET (a query needs no CSRF token; mutations are POST only). For each of the home
feed and a warning case it prints requests/s and p95 for /graphql/ and for the plain view, and their ratio.
"""

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pages  # noqa: E402

HOME = """{ home { title phrase { text } featured { id title url date typeLabel cover { url } }
  sections { id title kind latest { id title url date typeLabel cover { url } } } } }"""
ARTICLE = """query($id: ID) { page(id: $id) { id title ... on WarningCasePage { summary date
  body { blockType
    ... on RichTextBlock { value } ... on ImageBlock { caption image { url } } ... on QuoteBlock { text source }
    ... on CalloutBlock { tone title calloutText: text } ... on QuestionAnswerBlock { question answer }
    ... on RegulationCitationBlock { regulationTitle article text } } } } }"""

SETTINGS_MODULE = pages.SETTINGS_MODULE + 'ROOT_URLCONF = "bench.api_plain"\n'


def graphql_url(query, variables=None):
    params = {"query": " ".join(query.split())}
    if variables:
        import json

        params["variables"] = json.dumps(variables)
    return "/graphql/?" + urlencode(params)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    with pages.serving_demo("bench-api-", SETTINGS_MODULE) as (port, _urls):
        from cms.models import WarningCasePage

        case_id = WarningCasePage.objects.live().order_by("-date", "-pk").values_list("pk", flat=True).first()
        pairs = {
            "home feed": (graphql_url(HOME), "/plain/home/"),
            "article": (graphql_url(ARTICLE, {"id": case_id}), f"/plain/page/{case_id}/"),
        }
        failed = compare(port, pairs, args.concurrency, args.seconds)
    if failed:
        sys.exit(1)


def measure(port, path, concurrency, seconds):
    latencies, errors, elapsed = pages.load(port, path, concurrency, seconds)
    latencies.sort()
    return (len(latencies) + errors) / elapsed, pages.percentile(latencies, 0.95) * 1000, errors


def compare(port, pairs, concurrency, seconds):
    failed = False
    for label, (graphql, plain) in pairs.items():
        for path in (graphql, plain):
            status, body = pages.fetch(port, path)
            if status != 200 or b'"errors"' in body:
                print(f"{label} {path[:60]}: HTTP {status} {body[:300]!r}")
                return True
    print(f"{concurrency} client threads, keep-alive, {seconds:g} s per URL")
    print(f"{'query':<10} {'graphql req/s':>14} {'p95 ms':>8} {'plain req/s':>12} {'p95 ms':>8} {'plain/graphql':>14}")
    for label, (graphql, plain) in pairs.items():
        g_rate, g_p95, g_errors = measure(port, graphql, concurrency, seconds)
        p_rate, p_p95, p_errors = measure(port, plain, concurrency, seconds)
        print(f"{label:<10} {g_rate:>14.1f} {g_p95:>8.1f} {p_rate:>12.1f} {p_p95:>8.1f} {p_rate / g_rate:>13.2f}x")
        failed = failed or g_errors > 0 or p_errors > 0
    return failed


if __name__ == "__main__":
    main()
