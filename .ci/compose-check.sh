#!/usr/bin/env bash
# Validate docker-compose.yml with Debian's docker-compose (1.29.x).
# Installs docker-compose via apt-get when it is missing (needs root, no stdin).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker-compose is missing and this script is not running as root; install it with: apt-get install docker-compose" >&2
    exit 1
  fi
  echo "docker-compose not found; installing it with apt-get ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(mktemp)"
  # --no-install-recommends: skip docker.io/containerd, only the compose CLI is needed.
  if ! { apt-get update -qq \
         && apt-get install -y -qq --no-install-recommends docker-compose; } </dev/null >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    rm -f "$apt_log"
    echo "failed to install docker-compose" >&2
    exit 1
  fi
  rm -f "$apt_log"
fi

docker-compose -f docker-compose.yml config -q </dev/null

version="$(docker-compose version --short 2>/dev/null || docker-compose --version)"
echo "docker-compose.yml: valid (docker-compose ${version})"
