#!/usr/bin/env python3
"""Writes data/fnmatchcase-cpython311.tsv: `fnmatch.fnmatchcase(name, pattern)` for random
patterns and names over an alphabet rich in glob syntax, plus hand-picked cases. The fuzz
crate's unit tests check the reference matcher of the `matching` target against it.

    python3.11 fuzz/gen_fnmatch_table.py
"""
import fnmatch
import os
import random
import sys

assert sys.version_info[:2] == (3, 11), "the table records CPython 3.11"

PATTERN_ALPHABET = "ab-!^]*?[\\&~|z.\u00e9\n"
NAME_ALPHABET = "ab-!^]z\\&.[\u00e9\n"
HAND_PICKED = [
    ("[z-a]", "a"), ("[z-a!x]", "b"), ("[z-a!-x]", "-"), ("[!]", "!"), ("[!]]", "a"),
    ("[]]", "]"), ("[]-a]", "^"), ("[^a]", "^"), ("[a-]", "-"), ("[-a]", "-"),
    ("[!-a]", "-"), ("[b-a-c]", "-"), ("[c-az-d]", "b"), ("[a-cz-d]", "b"), ("[\\]", "\\"),
    ("[a\\-z]", "-"), ("[&&]", "&"), ("[~~]", "~"), ("[||]", "|"), ("[[]", "["),
    ("[!b-a]", "x"), ("[b-a]", "b"), ("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaab"), ("a[", "a["),
    ("[!", "[!"), ("\u00e9?", "\u00e9\u00e9"), ("*", "\n"), ("?", "\n"), ("[--0]", "."),
]


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def near(c, rng):
    """A piece of a name that is likely to match pattern character `c`."""
    if c == "*":
        return "".join(rng.choice(NAME_ALPHABET) for _ in range(rng.randint(0, 2)))
    if c == "?" or rng.random() < 0.3:
        return rng.choice(NAME_ALPHABET)
    return c


def main():
    rng = random.Random(20260101)
    cases = list(HAND_PICKED)
    while len(cases) < 4000:
        pat = "".join(rng.choice(PATTERN_ALPHABET) for _ in range(rng.randint(0, 9)))
        if rng.random() < 0.5:
            name = "".join(rng.choice(NAME_ALPHABET) for _ in range(rng.randint(0, 6)))
        else:
            name = "".join(near(c, rng) for c in pat)
        cases.append((pat, name))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                       "fnmatchcase-cpython311.tsv")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for pat, name in cases:
            f.write(f"{esc(pat)}\t{esc(name)}\t{int(fnmatch.fnmatchcase(name, pat))}\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
