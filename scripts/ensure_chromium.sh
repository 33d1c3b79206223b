#!/usr/bin/env bash
# The browser tests drive Debian's chromium (Playwright cannot download browsers on the
# machines Omni is built on). Shared by `make test` and `.ci/run`:
#
# - chromium (or chromium-browser) on PATH: nothing to do, nothing printed;
# - missing, and this is root with apt-get (the project's machines, CI): install it, once
#   (the next run finds it);
# - missing and not installable here: say in one line what to run, and exit 0 so that
#   the other tests still run (the browser tests skip with the same advice).
#
# --required (CI): a chromium that cannot be installed is a failure (exit 1).
# Only shell builtins, `id` and `apt-get` are used, so a test can run it with a PATH
# of its own.
set -u

required=0
[ "${1:-}" = "--required" ] && required=1

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi

give_up() {
  printf 'chromium: %s, so the browser tests (tests/e2e/) are skipped; to run them: sudo apt-get install chromium\n' "$1" >&2
  [ "$required" = 1 ] && exit 1
  exit 0
}

if [ "$(id -u 2>/dev/null)" != "0" ]; then
  give_up "not installed and only root can install it"
fi
if ! command -v apt-get >/dev/null 2>&1; then
  give_up "not installed and this machine has no apt-get"
fi

printf 'chromium: not installed, installing it with apt-get (once)...\n'
if ! apt-get update -qq >/dev/null 2>&1 \
  || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
  give_up "apt-get could not install it"
fi
if ! command -v chromium >/dev/null 2>&1; then
  give_up "apt-get ran but no chromium is on PATH"
fi
exit 0
