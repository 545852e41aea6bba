#!/usr/bin/env bash
# Runs promdir-inspector under a real X server (Xvfb, through xvfb-run) and
# saves the window and every view as PNG, as a user would see them:
#   xvfb_screenshots.sh INSPECTOR FIXTURE_DIR OUT_DIR
# Fails when a screenshot is missing, not a PNG, or too small to hold the
# window's contents (a blank window compresses to a few KiB).
set -euo pipefail
inspector=$1 fixture=$2 out=$3
mkdir -p "$out"
export QT_QPA_PLATFORM=xcb
status=0
for view in window metrics series gauge-modes histograms processes files exposition; do
  png="$out/$view.png"
  rm -f "$png"
  if [ "$view" = window ]; then
    "$inspector" --screenshot "$png" "$fixture" 2>/dev/null || true
  else
    "$inspector" --screenshot "$png" --view "$view" "$fixture" 2>/dev/null || true
  fi
  if [ ! -s "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "FAIL $view: no PNG written"
    status=1
    continue
  fi
  size=$(stat -c %s "$png")
  if [ "$size" -lt 12000 ]; then
    echo "FAIL $view: $size bytes, looks empty"
    status=1
  else
    echo "ok   $view: $png ($size bytes)"
  fi
done
exit $status
