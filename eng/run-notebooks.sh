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
for name in "${names[@]}"; do
  name=$(basename "$name")
  start=$(date +%s)
  (cd notebooks && env -u PUZZLECAM_NOTEBOOK_SMALL dotnet tool run dotnet-repl -- --run "$name" --exit-after-run \
      --output-format ipynb --output-path "../$out/$name")
  python3 eng/notebook-outputs.py "$out/$name" "notebooks/$name"
  echo "$name: $(( $(date +%s) - start )) s, $(du -k "notebooks/$name" | cut -f1) kB"
done
