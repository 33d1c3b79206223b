#!/usr/bin/env bash
# gettext's tools (xgettext, msgmerge...): `make messages` runs them, and the translation
# test runs makemessages on a copy of the catalogue with them. Shared by `make test` and
# `.ci/run`, as scripts/ensure_chromium.sh:
#
# - xgettext on PATH: nothing to do, nothing printed;
# - missing, and this is root with apt-get: install gettext, once;
# - missing and not installable here: say in one line what to run, and exit 0 (the
#   translation test skips with the same advice).
#
# --required (CI): tools that cannot be installed are a failure (exit 1).
set -u

required=0
[ "${1:-}" = "--required" ] && required=1

command -v xgettext >/dev/null 2>&1 && exit 0

give_up() {
  printf 'gettext: %s, so the translation test is skipped; to run it: sudo apt-get install gettext\n' "$1" >&2
  [ "$required" = 1 ] && exit 1
  exit 0
}

[ "$(id -u 2>/dev/null)" = "0" ] || give_up "not installed and only root can install it"
command -v apt-get >/dev/null 2>&1 || give_up "not installed and this machine has no apt-get"

printf 'gettext: not installed, installing it with apt-get (once)...\n'
if ! apt-get update -qq >/dev/null 2>&1 \
  || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null 2>&1; then
  give_up "apt-get could not install it"
fi
command -v xgettext >/dev/null 2>&1 || give_up "apt-get ran but no xgettext is on PATH"
exit 0
