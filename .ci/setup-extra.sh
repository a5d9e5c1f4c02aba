#!/usr/bin/env bash
# Extra CI installs. Idempotent: each step checks first and is a no-op when already done.
set -euo pipefail

# Debian's Chromium for the Swagger UI browser test (playwright-core drives /usr/bin/chromium).
if ! [ -x /usr/bin/chromium ]; then
  echo "installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
