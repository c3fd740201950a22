#!/usr/bin/env bash
# Packs PuzzleCam.Core and PuzzleCam.Interactive into artifacts/packages, where the notebooks load them from
# (#r "nuget: PuzzleCam.Interactive, *-*" takes the newest). Every pack gets a new prerelease version: NuGet caches a
# package by id and version, so a rebuilt package under a version it has seen would never reach a notebook.
#   bash eng/pack-notebooks.sh [OUT_DIR]        PUZZLECAM_PACKAGE_VERSION=... fixes the version
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/packages}
version=${PUZZLECAM_PACKAGE_VERSION:-0.1.0-dev.$(date -u +%Y%m%d%H%M%S)}
dotnet pack src/PuzzleCam.Interactive -c Release -o "$out" -p:Version="$version" --nologo -v quiet
dotnet pack src/PuzzleCam.Core -c Release -o "$out" -p:Version="$version" --nologo -v quiet --no-build
echo "packed PuzzleCam.Core and PuzzleCam.Interactive $version into $out"
