#!/usr/bin/env bash
# The main job: builds libtuf (cargo, through CMake, Release) and the C examples, then runs
# the C updater examples-c/tuf-client against the bundled demo repository over file:// (no
# server needed), and the verifier example verify-metadata on the same files.
#
#   examples-c/demo.sh    (build directory: build/ or $TUF_BUILD_DIR; build type: Release or
#                          $TUF_BUILD_TYPE)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${TUF_BUILD_DIR:-$REPO/build}"
"$REPO/tests/deps.sh"
generator=()
command -v ninja >/dev/null 2>&1 && [[ ! -f "$BUILD/CMakeCache.txt" ]] && generator=(-G Ninja)
cmake -S "$REPO" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE="${TUF_BUILD_TYPE:-Release}" >/dev/null
cmake --build "$BUILD" --target demo
