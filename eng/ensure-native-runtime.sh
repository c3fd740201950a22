#!/usr/bin/env bash
# TorchSharp 0.107's native glue (libLibTorchSharp.so) is built against GCC 13's C++ runtime and needs the
# symbol version GLIBCXX_3.4.32. Debian 12 ships GLIBCXX up to 3.4.30, so on such a machine this script
# installs Debian 13's libstdc++6 (which brings Debian 13's libc6 along). On a distribution that already
# has a new enough libstdc++ it does nothing. On Debian it also installs gperftools' tcmalloc, which the
# puzzlecam command preloads for speed (see src/PuzzleCam.Core/Runtime/NativeAllocator.cs); without it,
# puzzlecam runs on glibc's malloc. It is idempotent: run it as often as you like.
set -euo pipefail

need=GLIBCXX_3.4.32

loaded_libstdcxx() {
  # The library the dynamic loader resolves for libstdc++.so.6 is the one TorchSharp will get.
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'
}

has_symbol() {
  local lib
  lib=$(loaded_libstdcxx)
  [ -n "$lib" ] && grep -q -a "$need" "$lib"
}

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

ensure_tcmalloc() {
  if ldconfig -p 2>/dev/null | grep -q 'libtcmalloc_minimal\.so\.4 '; then return 0; fi
  if [ -r /etc/debian_version ] && command -v apt-get >/dev/null; then
    echo "native runtime: installing tcmalloc (libtcmalloc-minimal4), which makes CPU training faster."
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libtcmalloc-minimal4 >/dev/null 2>&1 \
      || { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libtcmalloc-minimal4 >/dev/null; } \
      || echo "native runtime: tcmalloc could not be installed; puzzlecam will use glibc's malloc (slower on the CPU)." >&2
  fi
}

if has_symbol; then
  echo "native runtime: $(loaded_libstdcxx) provides $need."
  ensure_tcmalloc
  exit 0
fi

echo "native runtime: $(loaded_libstdcxx || echo 'no libstdc++') lacks $need, which TorchSharp 0.107 needs."
if [ ! -r /etc/debian_version ] || ! command -v apt-get >/dev/null; then
  echo "native runtime: this is not a Debian system; install a libstdc++ from GCC 13 or newer and run again." >&2
  exit 1
fi

echo "native runtime: adding Debian 13 (trixie) as a low-priority source and installing its libstdc++6."
$sudo_cmd tee /etc/apt/sources.list.d/puzzlecam-trixie.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
# Pin trixie low so that nothing else on the machine is upgraded to it by accident.
$sudo_cmd tee /etc/apt/preferences.d/puzzlecam-trixie >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq -t trixie libstdc++6 >/dev/null

if has_symbol; then
  echo "native runtime: done; $(loaded_libstdcxx) now provides $need."
  ensure_tcmalloc
else
  echo "native runtime: libstdc++6 from trixie was installed but $need is still missing." >&2
  exit 1
fi
