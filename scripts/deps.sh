# Sourced by the scripts: installs the Debian packages a fresh Debian 12
# machine lacks (non-interactive, skipping what is present).
PROMDIR_PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libxkbcommon-dev
  libboost-iostreams-dev libarchive-dev zlib1g-dev zstd xz-utils bzip2
  libcli11-dev nlohmann-json3-dev
  xvfb xauth dpkg-dev python3 python3-prometheus-client libqt6svg6
  prometheus # promtool for the alerting rules, a real server for interop_prometheus_scrape
  # deployment (tests/deploy, installers/): the Pushgateway, promtool,
  # gunicorn, systemd-analyze, certificates and bcrypt hashes for the
  # gateway's TLS and basic auth; the package's lint and man pages
  prometheus-pushgateway python3-gunicorn python3-yaml python3-bcrypt openssl systemd
  lintian help2man
  gunicorn # tests/interop/gunicorn_compact_test.py: recycled workers compacted
)

promdir_install_deps() {
  local missing=()
  for p in "${PROMDIR_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "promdir: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
