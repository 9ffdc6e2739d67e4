#!/usr/bin/env python3
"""mumtool diff --format html (TAP): one self-contained page (no external
URL, no script), rendered in headless Chromium (Debian's chromium) and
checked on the page's text: the summary counts, the matrix headers of both
sides, a change inside a <details>.  Skipped when chromium is absent."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
V1 = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
V2 = sorted(glob.glob(os.path.join(S, "kb943650-v2", "*.msu")))

with tempfile.TemporaryDirectory() as tmp:
    page = os.path.join(tmp, "diff.html")
    rc, out, err = mumtool("diff", "--format", "html", "-o", page, *V1, *V2)
    html = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
    t.ok(rc == 1 and html.startswith("<!DOCTYPE html>"), "an HTML page is written, exit 1", err)
    ext = re.findall(r'(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//', html, re.I)
    t.ok(not ext and "<script" not in html.lower() and "<link" not in html.lower() and "@import" not in html,
         "self-contained: no external URL, no script, no stylesheet link", ext)
    t.ok("<style>" in html and html.count("<details") >= 3, "inline CSS and collapsible details")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        t.skip("the page renders in headless Chromium", "chromium is not installed (tools/install-deps)")
    else:
        profile = os.path.join(tmp, "profile")
        os.mkdir(profile)
        try:
            r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                "--disable-background-networking", "--disable-component-update",
                                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                                "--dump-dom", "file://" + page],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
            dom = r.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            dom = ""
        t.ok(dom and "<body" in dom, "Chromium renders the page", dom[:500])
        text = re.sub(r"<[^>]+>", " ", dom)
        text = re.sub(r"\s+", " ", text.replace("&gt;", ">").replace("&#8594;", "->"))
        t.ok("mumtool diff: 12 changes" in text, "the heading gives the total", text[:500])
        t.ok(re.search(r"package-added 3 component-version 3 file-added 3 file-changed 3 total 12", text),
             "the summary table: counts per kind and the total", text[:1500])
        t.ok(re.search(r"Old Components x86 amd64 ia64 .* New Components x86 amd64 ia64", text) and
             "Microsoft-Windows-NetIO-Infrastructure (wow64)" in text,
             "both sides' matrices with their platform headers, side by side", text[:3000])
        from html.parser import HTMLParser

        class Where(HTMLParser):
            """The texts met inside a <details>, at any depth."""
            def __init__(self):
                super().__init__()
                self.depth, self.inside = 0, []

            def handle_starttag(self, tag, attrs):
                self.depth += tag == "details"

            def handle_endtag(self, tag):
                self.depth -= tag == "details"

            def handle_data(self, data):
                if self.depth > 0:
                    self.inside.append(data)

        w = Where()
        w.feed(dom)
        t.ok(any("Microsoft-Windows-TCPIP-Binaries: version 6.0.6001.22222 -> 6.0.6001.22223" in d
                 for d in w.inside), "the version change is inside a <details>", "\n".join(w.inside[:20]))
        t.ok("unversioned-change" in text and "Flagged: 0 downgrade, 3 unversioned-change" in text,
             "flags are shown", text[:2000])

    # identical sides: the page says so
    rc, out, err = mumtool("diff", "--format", "html", V1[0], V1[0])
    t.ok(rc == 0 and "Identical in every compared aspect" in out and "0 changes" in out,
         "identical sides: exit 0, the page says so", out[:1000] + err)

t.done()
