#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
# Installs it, with CJK fonts, when missing and we may; otherwise the browser tests skip with a reason.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium and CJK fonts for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null 2>&1 \
    || echo "warning: could not install chromium; browser tests will be skipped"
else
  echo "note: $chromium not found; browser tests will be skipped (install chromium and fonts-noto-cjk)"
fi
exit 0
