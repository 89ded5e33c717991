"""Benchmark the GraphQL API against plain Django JSON views returning the same data, over real HTTP (gunicorn).

    .venv/bin/python bench/api.py [--concurrency 10] [--seconds 10]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api .venv/bin/python bench/api.py

Reuses bench/pages.py: a throw-away database holding the demo (SQLite, or the empty PostgreSQL database named by
BENCH_DATABASE_URL), gunicorn (2 workers x 4 threads) and the production settings. Queries go by GET (a query
needs no CSRF token; mutations are POST only). For the home feed and for the demo's warning case with the most
kinds of block it prints requests/s and p95 for /graphql/ and for the plain view, and GraphQL's share of the plain
view's rate. The last line reads `ratios home <x> article <y>`; it exits non-zero below the targets (0.9, 0.8).

The documents here ask for exactly what the plain views return, so they are not the app's own and the production
allow-list of persisted queries (GRAPHQL_PERSISTED_ONLY) is turned off for the run; its check is a dictionary hit
for the app's documents (api/core/persisted.py).
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

SETTINGS_MODULE = pages.SETTINGS_MODULE + 'ROOT_URLCONF = "bench.api_plain"\nGRAPHQL_PERSISTED_ONLY = False\n'
TARGETS = {"home feed": 0.9, "article": 0.8}


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

        case_id = richest_case(WarningCasePage)
        pairs = {
            "home feed": (graphql_url(HOME), "/plain/home/"),
            "article": (graphql_url(ARTICLE, {"id": case_id}), f"/plain/page/{case_id}/"),
        }
        failed = compare(port, pairs, args.concurrency, args.seconds)
    if failed:
        sys.exit(1)


def richest_case(model):
    """The live warning case whose body has the most kinds of block (then the most blocks)."""
    cases = model.objects.live().public()
    richest = max(cases, key=lambda case: (len({block.block_type for block in case.body}), len(case.body)))
    kinds = sorted({block.block_type for block in richest.body})
    print(f"article: {richest.title} ({len(richest.body)} blocks: {', '.join(kinds)})")
    return richest.pk


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
    print(f"{'query':<10} {'graphql req/s':>14} {'p95 ms':>8} {'plain req/s':>12} {'p95 ms':>8} {'graphql/plain':>14}")
    ratios = {}
    for label, (graphql, plain) in pairs.items():
        g_rate, g_p95, g_errors = measure(port, graphql, concurrency, seconds)
        p_rate, p_p95, p_errors = measure(port, plain, concurrency, seconds)
        ratios[label] = g_rate / p_rate
        print(f"{label:<10} {g_rate:>14.1f} {g_p95:>8.1f} {p_rate:>12.1f} {p_p95:>8.1f} {ratios[label]:>14.2f}")
        failed = failed or g_errors > 0 or p_errors > 0
    for label, target in TARGETS.items():
        if ratios[label] < target:
            print(f"{label}: {ratios[label]:.2f} of the plain view, under the target {target}")
            failed = True
    print(f"ratios home {ratios['home feed']:.2f} article {ratios['article']:.2f}")
    return failed


if __name__ == "__main__":
    main()
