#!/usr/bin/env bash
# Make sure Graphviz's `dot` (which draws the computation graphs) is installed.
# As root with apt-get it installs it; otherwise it stops with the exact command to run.
set -euo pipefail
command -v dot >/dev/null 2>&1 && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Graphviz's dot is missing: installing it with apt-get" >&2
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q graphviz
    exit 0
fi

case "$(uname -s)" in
    Darwin) how="brew install graphviz" ;;
    Linux)
        if command -v apt-get >/dev/null 2>&1; then how="sudo apt-get install graphviz"
        elif command -v dnf >/dev/null 2>&1; then how="sudo dnf install graphviz"
        elif command -v pacman >/dev/null 2>&1; then how="sudo pacman -S graphviz"
        else how="install the 'graphviz' package with your distribution's package manager"; fi ;;
    *) how="winget install graphviz  (or: conda install -c conda-forge graphviz)" ;;
esac
echo "Graphviz's dot program is needed to draw the computation graphs and is not installed." >&2
echo "Install it with:  $how" >&2
echo "then run the same make command again." >&2
exit 1
