#!/usr/bin/env bash
# Installs the system packages LoanDesk needs, only where they are missing.
#   scripts/install-sysdeps.sh          what `make run` needs
#   scripts/install-sysdeps.sh --test   also what only the tests need (`make test`)
set -euo pipefail
tests=0
case "${1:-}" in
  "") ;;
  --test) tests=1 ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac
need=()
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# npm installs ECharts into node_modules/ (make vendor); LoanDesk then serves it itself.
command -v npm >/dev/null || need+=(nodejs npm)
# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
[ "$tests" -eq 0 ] || [ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
