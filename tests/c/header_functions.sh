#!/usr/bin/env bash
# Prints the name of every function declared in tuf.h, sorted, one a line: the declarations
# "RET name(ARGS);" that start a line (cbindgen writes each on one), outside typedefs. The
# checks that every function is exported, called by the C tests and wrapped by the C++
# binding all read the header through this.
#
#   header_functions.sh TUF_H
set -euo pipefail

grep -E '^[A-Za-z_][A-Za-z0-9_ *]*[ *]tuf_[a-z0-9_]+\(' "$1" | grep -v '^typedef' |
    sed -E 's/^.*[ *](tuf_[a-z0-9_]+)\(.*$/\1/' | sort
