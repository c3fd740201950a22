#!/usr/bin/env bash
# Runs the notebooks top to bottom on the main job's outputs (run the README's first command before) and writes
# their outputs into notebooks/, so a reader sees every figure without running a cell. Prints each notebook's time.
#   bash eng/run-notebooks.sh [NOTEBOOK.ipynb ...]      default: every notebook, in order
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/pack-notebooks.sh > /dev/null
dotnet tool restore > /dev/null
out=artifacts/notebooks-full
mkdir -p "$out"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd notebooks && ls *.ipynb))
failed=()
for name in "${names[@]}"; do
  name=$(basename "$name")
  start=$(date +%s)
  # A cell error ends the run with a non-zero code; that notebook keeps its committed outputs, the others go on.
  if ! (cd notebooks && env -u PUZZLECAM_NOTEBOOK_SMALL dotnet tool run dotnet-repl -- --run "$name" --exit-after-run \
      --output-format ipynb --output-path "../$out/$name"); then
    echo "$name: a cell failed after $(( $(date +%s) - start )) s; its outputs, error included, are in $out/$name" >&2
    failed+=("$name")
    continue
  fi
  python3 eng/notebook-outputs.py "$out/$name" "notebooks/$name"
  echo "$name: $(( $(date +%s) - start )) s, $(du -k "notebooks/$name" | cut -f1) kB"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
