#!/usr/bin/env python3
"""debian/copyright and the vendored crates.

    copyright.py check VENDOR_DIR [debian/copyright]   every crate in VENDOR_DIR has its own
                                                       Files stanza, whose License is the one
                                                       its Cargo.toml declares
    copyright.py stanzas VENDOR_DIR [CRATE ...]        print the stanzas of those crates (all by
                                                       default), to paste into debian/copyright

VENDOR_DIR is the vendor/ directory of a tarball made by packaging/vendor.sh (one directory per
crate and version). A crate's stanza is `Files: vendor/NAME-*` (all its versions); its
License is the SPDX expression of Cargo.toml written the DEP-5 way ("MIT or Apache-2.0").
As vendor/rustls-* also matches rustls-ffi's files, and the last stanza that matches a file
applies, the stanzas are sorted by name.
Code that a crate bundles under another licence (libcurl in curl-sys, zlib in libz-sys,
BoringSSL's in ring) has further stanzas for those subdirectories, which this script does not
check. When Cargo.lock brings a new crate or a crate changes its licence, `check` fails and
names it; `stanzas` prints what to add.
"""

import os
import re
import sys
import tomllib


def dep5_license(spdx):
    """An SPDX licence expression written as DEP-5 asks."""
    expr = spdx.replace("/", " OR ")
    expr = re.sub(r"\s+WITH\s+LLVM-exception", " with LLVM exception", expr)
    expr = expr.replace("LGPL-2.1-or-later", "LGPL-2.1+")
    # DEP-5 has no parentheses; "and" binds tighter than "or": (A or B) and C -> A and C or B and C.
    m = re.fullmatch(r"\((.*)\)\s+AND\s+(\S+)", expr)
    if m:
        expr = " OR ".join(f"{alt.strip()} AND {m.group(2)}" for alt in m.group(1).split(" OR "))
    return re.sub(r"\s+", " ", expr.replace(" OR ", " or ").replace(" AND ", " and ")).strip()


def crates(vendor):
    """{name: (license, [authors], repository)} of the vendored crates (all versions)."""
    out = {}
    for d in sorted(os.listdir(vendor)):
        path = os.path.join(vendor, d, "Cargo.toml")
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            pkg = tomllib.load(f)["package"]
        name = pkg["name"]
        lic = dep5_license(pkg.get("license", "UNKNOWN"))
        authors = [re.sub(r"\s*<[^>]*>", "", a) for a in pkg.get("authors", [])]
        prev = out.get(name)
        if prev and prev[0] != lic:
            sys.exit(f"copyright.py: {name}: its versions have different licences "
                     f"({prev[0]}; {lic}): give each version its own stanza")
        merged = (prev[1] if prev else []) + [a for a in authors if a not in (prev[1] if prev else [])]
        out[name] = (lic, merged, pkg.get("repository", ""), d)
    return out


def stanzas(vendor, names):
    all_crates = crates(vendor)
    for name in names or sorted(all_crates):
        lic, authors, repo, _ = all_crates[name]
        holders = authors or [f"The {name} developers" + (f" ({repo})" if repo else "")]
        print(f"Files: vendor/{name}-*")
        print("Copyright: " + "\n           ".join(holders))
        print(f"License: {lic}")
        print()


def dep5_match(path, pattern):
    """Whether `pattern` of a Files field matches `path`: in DEP-5 only `*` (any characters,
    `/` included) and `?` (one character) are wildcards; `[` is an ordinary character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, path, re.S) is not None


def parse_copyright(path):
    """[(patterns, license)] of the Files stanzas, in order."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for para in re.split(r"\n\s*\n", text):
        fields, key = {}, None
        for line in para.split("\n"):
            if line.startswith("#"):
                continue
            m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif key and line.startswith((" ", "\t")):
                fields[key] += " " + line.strip()
        if "Files" in fields:
            out.append((fields["Files"].split(), fields.get("License", "").split("\n")[0].strip()))
    return out


def check(vendor, copyright_path):
    stanzas_ = parse_copyright(copyright_path)
    problems = []
    for name, (lic, _, _, d) in sorted(crates(vendor).items()):
        probe = f"vendor/{d}/Cargo.toml"
        match = None
        for patterns, stanza_lic in stanzas_:
            if any(dep5_match(probe, p) for p in patterns):
                match = (patterns, stanza_lic)
        # vendor/rustls-* matches rustls-ffi's files too: the last stanza that matches applies
        # (DEP-5), so each crate needs its own, after any crate whose name is a prefix of its.
        if match is None or f"vendor/{name}-*" not in match[0]:
            problems.append(f"{name}: no Files stanza (licence {lic})")
        elif match[1] != lic:
            problems.append(f"{name}: debian/copyright says '{match[1]}', Cargo.toml '{lic}'")
    if problems:
        print("debian/copyright does not match the vendored crates:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        print("print the stanzas with: packaging/copyright.py stanzas VENDOR_DIR CRATE...",
              file=sys.stderr)
        return 1
    print(f"debian/copyright covers the {len(crates(vendor))} vendored crates")
    return 0


def main(argv):
    if len(argv) < 3 or argv[1] not in ("check", "stanzas"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "stanzas":
        stanzas(argv[2], argv[3:])
        return 0
    here = os.path.dirname(os.path.abspath(__file__))
    return check(argv[2], argv[3] if len(argv) > 3 else os.path.join(here, "..", "debian",
                                                                     "copyright"))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
