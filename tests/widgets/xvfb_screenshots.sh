#!/usr/bin/env bash
# Runs promdir-inspector under a real X server (Xvfb) and saves the window
# and every view as PNG, as a user would see them:
#   xvfb_screenshots.sh XVFB INSPECTOR FIXTURE_DIR OUT_DIR
# Fails when a screenshot is missing, not a PNG, or too small to hold the
# window's contents (a blank window compresses to a few KiB).
# Xvfb picks its own free display (-displayfd): unlike `xvfb-run -a`, two
# of these (or any other X servers) starting at once never take the same.
set -euo pipefail
xvfb=$1 inspector=$2 fixture=$3 out=$4
mkdir -p "$out"
work=$(mktemp -d)
"$xvfb" -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# The display number is written once the server accepts clients.
for _ in $(seq 600); do
  [ -s "$work/display" ] && break
  if ! kill -0 "$xvfb_pid" 2>/dev/null; then
    echo "FAIL: Xvfb did not start"; cat "$work/xvfb.log"; exit 1
  fi
  sleep 0.1
done
[ -s "$work/display" ] || { echo "FAIL: Xvfb gave no display within 60 s"; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
export QT_QPA_PLATFORM=xcb
status=0
for view in window metrics series gauge-modes histograms processes files exposition compact-dialog; do
  png="$out/$view.png"
  rm -f "$png"
  if [ "$view" = window ]; then
    "$inspector" --screenshot "$png" "$fixture" 2>/dev/null || true
  elif [ "$view" = compact-dialog ]; then
    # A directory it may write (the preview changes nothing): a copy.
    cp -r "$fixture" "$work/compact"
    "$inspector" --screenshot "$png" --view "$view" "$work/compact" 2>/dev/null || true
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
