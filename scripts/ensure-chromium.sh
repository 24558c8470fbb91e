#!/usr/bin/env bash
# The browser tests drive Debian's Chromium: Playwright cannot download its own browser on these machines.
set -euo pipefail
chromium="${PORTAL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
echo "Installing Debian's chromium for the browser tests…"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
[ -x "$chromium" ] || { echo "chromium did not install at $chromium" >&2; exit 1; }
