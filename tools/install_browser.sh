#!/usr/bin/env bash
# Installs what the browser tests need: Debian's Chromium + ChromeDriver (never `playwright install`,
# which downloads its own browser) and the playwright Python package (in the dev extras).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null  # its wrapper script prints a harmless shell warning on stderr
