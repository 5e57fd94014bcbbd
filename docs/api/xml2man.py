#!/usr/bin/env python3
"""Writes libtuf's section-3 man pages from Doxygen's XML output of include/tuf.h.

    xml2man.py --xml DIR --header include/tuf.h --out DIR --version X.Y.Z [--html-dir DIR]

One page per function and per type of the header (`man 3 tuf_updater_new`,
`man 3 tuf_fetch_callback`), each with NAME, SYNOPSIS, DESCRIPTION and SEE ALSO taken from the
header's doc comments, and the overview page libtuf.3: the main page of the reference
(docs/api/mainpage.dox), the header's conventions, the result codes and constants, and every type
and function with its summary.

The declarations are read from the header itself, at the line Doxygen gives for each member, so
that the synopsis is exactly what a program compiles against. The script fails when a function
declared in the header has no documentation in the XML (Doxygen would not have listed it), so no
export is left without a page. The page date is SOURCE_DATE_EPOCH when set (reproducible builds),
else none.
"""

import argparse
import datetime
import os
import re
import sys
import xml.etree.ElementTree as ET

BLOCK_TAGS = {"itemizedlist", "orderedlist", "programlisting", "verbatim", "simplesect",
              "preformatted", "heading"}


def die(msg):
    print(f"xml2man.py: {msg}", file=sys.stderr)
    sys.exit(1)


def esc(text):
    """Escapes text for roff (backslashes, and hyphens written as minus signs in code)."""
    return text.replace("\\", "\\e")


def code(text):
    return esc(text).replace("-", "\\-")


def line_safe(line):
    """A roff text line must not start with a control character."""
    line = line.strip()
    if line.startswith((".", "'")):
        line = "\\&" + line
    return line


class Renderer:
    """Doxygen XML description markup to roff."""

    def inline(self, elem):
        out = [esc(elem.text or "")] if elem.text else []
        for child in elem:
            out.append(self.inline_elem(child))
            if child.tail:
                out.append(esc(child.tail))
        return "".join(out)

    def inline_elem(self, e):
        tag = e.tag
        if tag == "computeroutput":
            return "\\fB" + code(plain(e)) + "\\fR"
        if tag == "emphasis":
            return "\\fI" + self.inline(e) + "\\fR"
        if tag == "bold":
            return "\\fB" + self.inline(e) + "\\fR"
        if tag == "ulink":
            text = plain(e)
            url = e.get("url", "")
            return esc(text) if text == url else f"{esc(text)} <{code(url)}>"
        if tag == "ref":
            return self.inline(e)
        if tag == "linebreak":
            return "\n.br\n"
        if tag == "sp":
            return " "
        return self.inline(e)

    def blocks(self, elem):
        """Roff lines for a description element (detaileddescription, sect1, listitem...)."""
        lines = []
        for child in elem:
            if child.tag == "para":
                lines += self.para(child)
            elif child.tag in ("sect1", "sect2", "sect3", "internal"):
                title = child.find("title")
                if title is not None:
                    lines += [".SS " + line_safe(plain(title))]
                lines += self.blocks(child)
            elif child.tag == "title":
                continue
            elif child.tag in BLOCK_TAGS:
                lines += self.block(child)
        return lines

    def para(self, p):
        lines = []
        text = [esc(p.text)] if p.text else []

        def flush():
            joined = " ".join("".join(text).split())
            joined = joined.replace(" \n.br\n ", "\n.br\n")
            if joined:
                lines.extend([".PP"] + [line_safe(x) for x in joined.split("\n") if x.strip()])
            text.clear()

        for child in p:
            if child.tag in BLOCK_TAGS:
                flush()
                lines += self.block(child)
            else:
                text.append(self.inline_elem(child))
            if child.tail:
                text.append(esc(child.tail))
        flush()
        return lines

    def block(self, b):
        if b.tag == "itemizedlist":
            lines = []
            for item in b.findall("listitem"):
                lines += self.list_item(item, "\\(bu", 2)
            return lines
        if b.tag == "orderedlist":
            lines = []
            for n, item in enumerate(b.findall("listitem"), 1):
                lines += self.list_item(item, f"{n}.", 4)
            return lines
        if b.tag == "programlisting":
            rows = []
            for cl in b.findall("codeline"):
                rows.append(code("".join(codeline_text(cl))))
            return [".PP", ".RS 4", ".nf"] + ["\\&" + r for r in rows] + [".fi", ".RE"]
        if b.tag in ("verbatim", "preformatted"):
            return [".PP", ".RS 4", ".nf"] + ["\\&" + code(r) for r in plain(b).split("\n")] \
                + [".fi", ".RE"]
        if b.tag == "simplesect":
            title = b.find("title")
            kind = b.get("kind")
            heading = plain(title) if title is not None else {
                "return": "Returns", "see": "See also", "note": "Note", "warning": "Warning",
            }.get(kind, kind.capitalize())
            body = self.blocks(b)
            return [".PP", "\\fB" + esc(heading) + "\\fR", ".RS 4"] + body + [".RE"]
        if b.tag == "heading":
            return [".SS " + line_safe(plain(b))]
        return []

    def list_item(self, item, bullet, indent):
        body = self.blocks(item)
        # The item's first paragraph goes on the .IP line's paragraph.
        if body and body[0] == ".PP":
            body = body[1:]
        return [f".IP {bullet} {indent}"] + body


def codeline_text(elem):
    out = [elem.text or ""]
    for child in elem:
        out.append(" " if child.tag == "sp" else "".join(codeline_text(child)))
        out.append(child.tail or "")
    return out


def plain(elem):
    """The text of an element, markup dropped."""
    return "".join(codeline_text(elem))


def summary(desc):
    """A short summary of a description, for NAME lines and lists: its first sentence, up to
    the first colon, semicolon or parenthesis."""
    text = " ".join(plain(desc).split())
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            if depth == 0 and i > 0 and text[i - 1] == " ":
                text = text[:i]
                break
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ":;" and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            text = text[:i]
            break
        elif ch == "." and depth == 0 and (i + 1 == len(text) or text[i + 1] == " "):
            word = text[:i].rsplit(" ", 1)[-1]
            if word.lower() in ("e.g", "i.e", "etc"):
                continue
            text = text[:i]
            break
    text = text.rstrip(" .,")
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and (first[1:].islower() or first == "A"):
        text = text[0].lower() + text[1:]
    return text


def declaration(header_lines, line_no):
    """The declaration that starts at line `line_no` of the header, joined into one line."""
    i = line_no - 1
    decl = header_lines[i].strip()
    while not decl.endswith(";") and i + 1 < len(header_lines):
        i += 1
        decl += " " + header_lines[i].strip()
    return " ".join(decl.split())


def split_params(params):
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def synopsis(decl):
    """SYNOPSIS lines: the declaration, one parameter per line, names in italics."""
    m = re.match(r"^(.*?\(\s*\*?\s*\w+\s*\)\s*|[^(]*)\((.*)\)\s*;$", decl)
    if not m or decl.startswith("typedef struct"):
        return [".B " + '"' + code(decl).replace('"', '\\(dq') + '"']
    head, params = m.group(1).rstrip(), m.group(2)
    plist = split_params(params)
    if plist in ([], ["void"]):
        return [".B " + '"' + code(f"{head}(void);") + '"']
    lines = []
    indent = " " * (len(head) + 1)
    for n, p in enumerate(plist):
        pm = re.match(r"^(.*?)(\w+)$", p)
        ptype, pname = (pm.group(1), pm.group(2)) if pm else (p, "")
        prefix = (head + "(") if n == 0 else indent
        end = ");" if n == len(plist) - 1 else ","
        lines.append(f'.BI "{code(prefix + ptype)}" {code(pname)} "{end}"')
    return lines


def refs_in(desc, names, own):
    """Names of documented members mentioned in a description (for SEE ALSO)."""
    found = []
    for e in desc.iter():
        if e.tag in ("computeroutput", "ref"):
            word = plain(e).strip().rstrip("()")
            if word in names and word != own and word not in found:
                found.append(word)
    return found


def see_also(items):
    lines = [".SH SEE ALSO"]
    for n, (name, sect) in enumerate(items):
        lines.append(f".BR {code(name)} ({sect}){',' if n < len(items) - 1 else ''}")
    return lines


def th(name, date, version):
    return f'.TH "{name.upper()}" 3 "{date}" "libtuf {version}" "libtuf API reference"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xml", required=True)
    ap.add_argument("--header", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--html-dir", default="")
    args = ap.parse_args()

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = ""
    if epoch:
        date = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime(
            "%Y-%m-%d")

    root = ET.parse(os.path.join(args.xml, "tuf_8h.xml")).getroot().find("compounddef")
    with open(args.header, encoding="utf-8") as f:
        header_lines = f.read().split("\n")
    r = Renderer()

    members = {"define": [], "typedef": [], "func": []}
    for sd in root.findall("sectiondef"):
        kind = sd.get("kind")
        if kind in members:
            members[kind] += sd.findall("memberdef")
    documented = {m.findtext("name"): m for ms in members.values() for m in ms}

    declared = set()
    for line in header_lines:
        m = re.match(r"^[A-Za-z_][\w\s\*]*?\b(tuf_\w+)\s*\(", line)
        if m and not line.startswith("typedef"):
            declared.add(m.group(1))
    missing = sorted(declared - {m.findtext("name") for m in members["func"]})
    if missing:
        die("functions of the header missing from Doxygen's output (undocumented?): "
            + ", ".join(missing))
    if not members["func"]:
        die("no function found in the XML")

    os.makedirs(args.out, exist_ok=True)
    written = []
    for m in members["typedef"] + members["func"]:
        name = m.findtext("name")
        desc = m.find("detaileddescription")
        line_no = int(m.find("location").get("line"))
        decl = declaration(header_lines, line_no)
        if name not in decl:
            die(f"{name}: the header's line {line_no} does not declare it: {decl}")
        what = summary(desc)
        if not what:
            die(f"{name} has no description")
        page = [th(name, date, args.version), ".SH NAME", f"{code(name)} \\- {esc(what)}",
                ".SH SYNOPSIS", ".nf", ".B #include <tuf.h>", ".PP"]
        page += synopsis(decl)
        page += [".fi", ".PP", "Link with \\fB\\-ltuf\\fR "
                 "(\\fBpkg\\-config \\-\\-cflags \\-\\-libs tuf\\fR).", ".SH DESCRIPTION"]
        page += r.blocks(desc)
        related = [(x, 3) for x in refs_in(desc, documented, name)
                   if documented[x].get("kind") in ("function", "typedef")]
        page += see_also([("libtuf", 3)] + related)
        write(args.out, name, page)
        written.append(name)

    overview = [th("libtuf", date, args.version), ".SH NAME",
                "libtuf \\- The Update Framework (TUF 1.0) client library and metadata verifier",
                ".SH SYNOPSIS", ".nf", ".B #include <tuf.h>", ".fi", ".PP",
                "Compile and link with \\fBpkg\\-config \\-\\-cflags \\-\\-libs tuf\\fR, or in "
                "CMake with \\fBfind_package(tuf)\\fR and the target \\fBtuf::tuf\\fR.",
                ".SH DESCRIPTION"]
    index = ET.parse(os.path.join(args.xml, "indexpage.xml")).getroot().find("compounddef")
    overview += r.blocks(index.find("detaileddescription"))

    file_desc = root.find("detaileddescription")
    conventions = [s for s in file_desc.iter("simplesect") if s.get("kind") == "par"]
    if conventions:
        overview += [".SH CONVENTIONS"] + r.blocks(conventions[0])

    codes = [m for m in members["define"] if re.match(r"^TUF_(OK|ERR_\w+)$", m.findtext("name"))]
    others = [m for m in members["define"] if m not in codes]
    overview += [".SH RESULT CODES"]
    for m in codes:
        overview += [".TP", f"\\fB{code(m.findtext('name'))}\\fR ({esc(m.findtext('initializer') or '')})",
                     line_safe(esc(" ".join(plain(m.find('detaileddescription')).split())))]
    overview += [".SH CONSTANTS"]
    for m in others:
        overview += [".TP", f"\\fB{code(m.findtext('name'))}\\fR",
                     line_safe(esc(" ".join(plain(m.find('detaileddescription')).split())))]
    overview += [".SH TYPES"]
    for m in members["typedef"]:
        overview += [".TP", f".BR {code(m.findtext('name'))} (3)",
                     line_safe(esc(summary(m.find("detaileddescription"))))]
    overview += [".SH FUNCTIONS"]
    for m in members["func"]:
        overview += [".TP", f".BR {code(m.findtext('name'))} (3)",
                     line_safe(esc(summary(m.find("detaileddescription"))))]
    overview += [".SH FILES", ".TP", ".I tuf.h", "The header (under the include directory).",
                 ".TP", ".I libtuf.so.0", "The shared library.", ".TP", ".I tuf.pc",
                 "The pkg\\-config file."]
    if args.html_dir:
        overview += [".TP", f".I {code(args.html_dir)}/index.html",
                     "This reference as HTML."]
    overview += see_also([("pkg-config", 1)])
    write(args.out, "libtuf", overview)
    print(f"xml2man.py: {len(written) + 1} pages in {args.out}")


def write(out_dir, name, lines):
    with open(os.path.join(out_dir, f"{name}.3"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
