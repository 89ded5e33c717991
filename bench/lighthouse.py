"""Lighthouse mobile scores (performance, accessibility) for the demo's home page and a warning case.

    bench/lighthouse.sh            (installs Lighthouse 12 from the npm registry on first use)

Serves the demo through gunicorn with the production settings (see bench/pages.py), then runs Lighthouse with
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) against the server-rendered pages and, when the mobile
app is installed, its /app/ screens. Prints each score; exits non-zero if one is under 90.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pages import serving_demo

TARGET = 90
CATEGORIES = ("performance", "accessibility")


def lighthouse(binary, url, chrome):
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        command = [
            binary,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report.name}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--form-factor=mobile",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300)
        data = json.loads(Path(report.name).read_text())
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE", "lighthouse"))
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()

    failed = False
    with serving_demo("bench-lighthouse-") as (port, urls):
        targets = dict(urls)
        if _has_app():
            targets.update({"app home": "/app/", "app case": "/app" + urls["warning case"]})
        print(f"{'page':<16}" + "".join(f"{name:>15}" for name in CATEGORIES) + "  path")
        for label, path in targets.items():
            scores = lighthouse(args.lighthouse, f"http://127.0.0.1:{port}{path}", args.chrome)
            failed |= any(score < TARGET for score in scores.values())
            print(f"{label:<16}" + "".join(f"{scores[name]:>15}" for name in CATEGORIES) + f"  {path}")
    print(f"target: every score >= {TARGET}: {'missed' if failed else 'met'}")
    if failed:
        sys.exit(1)


def _has_app():
    from django.apps import apps

    return apps.is_installed("frontend")


if __name__ == "__main__":
    main()
