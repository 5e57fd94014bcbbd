#!/usr/bin/env bash
# The man page of a program documents exactly the options its --help lists: every option of
# `PROGRAM --help` is in MAN_PAGE, and every option of MAN_PAGE is in `PROGRAM --help`.
#
#   check_man_page_options.sh PROGRAM MAN_PAGE
set -euo pipefail

program="$1"
man_page="$2"

help_options="$("$program" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)"
# In roff source a hyphen is written \- ; the options are those of the OPTIONS section's tags
# and of the text alike.
man_options="$(sed 's/\\-/-/g' "$man_page" | grep -oE -- '--[a-z][a-z-]*' | sort -u)"

status=0
missing="$(comm -23 <(echo "$help_options") <(echo "$man_options"))"
extra="$(comm -13 <(echo "$help_options") <(echo "$man_options"))"
if [[ -n "$missing" ]]; then
    echo "FAILED: options of $program --help missing from $man_page:" $missing
    status=1
fi
if [[ -n "$extra" ]]; then
    echo "FAILED: options of $man_page that $program --help does not list:" $extra
    status=1
fi
if [[ -z "$help_options" ]]; then
    echo "FAILED: $program --help lists no option"
    status=1
fi
if ((status == 0)); then
    echo "ok: $man_page documents the $(echo "$help_options" | wc -l) options of $program --help"
fi
exit "$status"
