#!/usr/bin/env python3
"""mumtool diff --format html highlights rows (TAP): every change is a table
row of class added, removed or changed with its sign (+, -, ~) in the first
cell; the platform matrices mark a row only one side has (added on the new
side, removed on the old one) and a row whose versions differ (changed); the
inline CSS gives each class a background colour.  kb943650 -> kb943650-v2
adds a package and changes a component; the reverse diff removes them."""
import glob
import os
import re
import sys
import tempfile
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402


class Rows(HTMLParser):
    """Every <tr>: (section, class, [cell texts]); section is "old", "new"
    (the matrices, by their <h3>) or "changes" (a <table class=changes>)."""
    def __init__(self):
        super().__init__()
        self.rows, self.section, self.h3, self.row, self.cell = [], None, False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h3":
            self.h3 = True
        elif tag == "table" and a.get("class") == "changes":
            self.section = "changes"
        elif tag == "tr":
            self.row = (self.section, a.get("class"), [])
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "h3":
            self.h3 = False
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row[2].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.h3:
            self.section = data.strip().lower()
        if self.cell is not None:
            self.cell.append(data)


def page(old, new, tmp):
    path = os.path.join(tmp, "diff.html")
    rc, out, err = mumtool("diff", "--format", "html", "-o", path, *old, *new)
    html = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    p = Rows()
    p.feed(html)
    return rc, html, p.rows, err


t = Tap()
S = os.path.join(srcdir(), "samples")
V1 = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
V2 = sorted(glob.glob(os.path.join(S, "kb943650-v2", "*.msu")))

with tempfile.TemporaryDirectory() as tmp:
    rc, html, rows, err = page(V1, V2, tmp)
    t.ok(rc == 1 and rows, "v1 -> v2: a page with rows, exit 1", err)
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    style = style.group(1) if style else ""
    for cls in ("added", "removed", "changed"):
        t.ok(re.search(r"tr\." + cls + r"\{background:#[0-9a-f]{6}\}", style),
             "the CSS gives rows of class %s a background colour" % cls, style)
    changes = [r for r in rows if r[0] == "changes" and r[1]]
    kinds = {}
    for _, cls, cells in changes:
        kinds.setdefault(cells[1] if len(cells) > 1 else "?", set()).add((cls, cells[0] if cells else ""))
    t.ok(kinds.get("package-added") == {("added", "+")} and kinds.get("file-added") == {("added", "+")},
         "added packages and files: rows of class added with '+'", kinds)
    t.ok(kinds.get("component-version") == {("changed", "~")} and kinds.get("file-changed") == {("changed", "~")},
         "a new version and a changed file: rows of class changed with '~'", kinds)
    t.ok(len(changes) == 12, "one row per change (12)", len(changes))
    new_added = [r[2][0] for r in rows if r[0] == "new" and r[1] == "added"]
    t.ok(new_added == ["Package_6_for_KB943650"], "new matrix: the added package's row is of class added",
         [r for r in rows if r[0] in ("old", "new")])
    changed = sorted((r[0], r[2][0]) for r in rows if r[0] in ("old", "new") and r[1] == "changed")
    t.ok(changed == [("new", "Microsoft-Windows-TCPIP-Binaries"), ("old", "Microsoft-Windows-TCPIP-Binaries")],
         "both matrices: the component whose version changed is of class changed", changed)
    t.ok(not [r for r in rows if r[0] in ("old", "new") and r[1] == "removed"],
         "nothing is marked removed when nothing was removed")

    rc, html, rows, err = page(V2, V1, tmp)
    changes = [r for r in rows if r[0] == "changes" and r[1]]
    removed = {(r[1], r[2][0]) for r in changes if r[2][1] in ("package-removed", "file-removed")}
    t.ok(rc == 1 and removed == {("removed", "-")}, "v2 -> v1: removed packages and files: class removed, '-'",
         changes[:4])
    old_removed = [r[2][0] for r in rows if r[0] == "old" and r[1] == "removed"]
    t.ok(old_removed == ["Package_6_for_KB943650"], "old matrix: the package gone from the new side is removed",
         old_removed)

    rc, html, rows, err = page(V1[:1], V1[:1], tmp)
    t.ok(rc == 0 and not [r for r in rows if r[1] in ("added", "removed", "changed")],
         "identical sides: no row is highlighted", rows[:5])

t.done()
