#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser) and axe-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v /usr/bin/chromium >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q && apt-get install -y -q chromium
    else
        echo "browser tests need Debian's chromium: sudo apt-get install chromium" >&2
        exit 1
    fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
    npm install --no-audit --no-fund --silent
fi
