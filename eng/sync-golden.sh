#!/usr/bin/env bash
# Copies the golden vectors of the original implementation from ../shared/golden into tests/golden, the copy the
# tests read, so that a clone with nothing beside it passes. Run it when ../shared/golden gains or changes a case;
# the GoldenCopy test fails while the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/golden
[ -f "$src/README.md" ] || { echo "sync-golden: $src not found" >&2; exit 1; }
rm -rf tests/golden
mkdir -p tests/golden
cp -r "$src"/. tests/golden/
chmod -R u+w tests/golden
echo "sync-golden: $(find tests/golden -type f | wc -l) files copied from $src"
