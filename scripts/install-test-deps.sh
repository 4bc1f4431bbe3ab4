#!/usr/bin/env bash
# Installs what the browser and media tests need: Debian's chromium, chromium-driver and ffmpeg; and janus (about 2.5 MB
# to download with its libraries) for the load tool's real-Janus test (RealJanusTest).
# Does nothing when they are present. With CI=true, a tool that cannot be installed fails the run.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v janus >/dev/null 2>&1 || missing+=(janus)

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-test-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    sudo_cmd=(unavailable)
  fi
fi

installed=false
if [[ ${sudo_cmd[0]:-} != unavailable ]] && command -v apt-get >/dev/null 2>&1; then
  if "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
          chromium chromium-driver ffmpeg janus; then
    installed=true
  fi
fi

if [[ $installed == true && -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] && command -v ffmpeg >/dev/null 2>&1 \
    && command -v janus >/dev/null 2>&1; then
  exit 0
fi

msg="install-test-deps: could not install ${missing[*]} (expected: apt-get as root or passwordless sudo on Debian/Ubuntu; install chromium, chromium-driver, ffmpeg and janus by hand)"
if [[ ${CI:-} == true ]]; then
  echo "$msg" >&2
  exit 1
fi
echo "$msg; the browser, ffmpeg and Janus tests will fail" >&2
