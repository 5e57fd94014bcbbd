#!/usr/bin/env python3
"""Canonical JSON of each line of a JSON-lines corpus, as securesystemslib computes it.

Usage: canonical.py CORPUS

For each line of CORPUS (a UTF-8 file with one JSON text per line, "\\n"-separated) prints one
line: the lowercase hex of
    securesystemslib.formats.encode_canonical(json.loads(line)).encode("utf-8")
or "error" if any of these steps raises (invalid UTF-8 in the line, json.loads, a float or
other unencodable value in encode_canonical, or a lone surrogate that cannot be UTF-8
encoded). A final newline does not start an extra line. Exit status 0 unless CORPUS cannot be
read.

tests/data/canonical/expected.txt is this script's output on tests/data/canonical/corpus.jsonl.
"""

from __future__ import annotations

import json
import sys

from securesystemslib.formats import encode_canonical


def canonical_hex(line: bytes) -> str:
    try:
        value = json.loads(line.decode("utf-8"))
        return encode_canonical(value).encode("utf-8").hex()
    except Exception:  # noqa: BLE001 - every failure is the same "error" verdict
        return "error"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = sys.stdout
    for line in lines:
        out.write(canonical_hex(line) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
