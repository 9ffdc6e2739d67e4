#!/usr/bin/env python3
"""mumtool verify --expect (TAP): the KB943650 samples against the expected
contents of their article - mumtool's own TSV form (samples/kb943650.expect.tsv)
and, when the seeds are there (MUM_SEEDS, default ../shared/seeds), the
article itself.  Clean, the samples give no expect.* finding; copies of the
expectations edited here at test time (a size, a version, a row removed or
added) and an input left out give each rule; the twin
samples/broken/expect-size-mismatch gives its one finding; the findings are
in every report format; the README's quick start runs."""
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
TSV = os.path.join(S, "kb943650.expect.tsv")
CLEAN = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
TWIN = sorted(glob.glob(os.path.join(S, "broken", "expect-size-mismatch", "*.msu")))
GATE = ["--trust", os.path.join(S, "test-ca.pem"), "--policy", os.path.join(S, "kb943650.policy")]
SEEDS = os.environ.get("MUM_SEEDS") or os.path.join(srcdir(), "..", "shared", "seeds")
work = tempfile.mkdtemp(prefix="mum-verify-expect.")


def expect_findings(rep):
    return [f for f in rep["findings"] if f["rule"].startswith("expect.")]


def show(fs):
    return "\n".join("%s %s %s %s" % (f["rule"], f["severity"], f["location"].get("entry", ""), f["message"])
                     for f in fs)


def verify(expect, inputs=CLEAN, *more):
    args = ["verify", "--format", "json", *GATE, *more]
    for e in (expect if isinstance(expect, list) else [expect]):
        args += ["--expect", e]
    return mumtool_json(*args, *inputs)


def edited(name, lines_fn):
    """A copy of the TSV, its rows passed through lines_fn."""
    with open(TSV, encoding="utf-8") as f:
        lines = f.read().split("\n")
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines_fn(lines)))
    return path


def row_is(line, kind, name, pkg):
    cells = line.split("\t")
    return len(cells) >= 10 and cells[0] == kind and cells[2] == name and cells[8] == pkg


def set_cell(lines, name, pkg, column, value):
    out = []
    for line in lines:
        if row_is(line, "file", name, pkg):
            cells = line.split("\t")
            cells[column] = value
            line = "\t".join(cells)
        out.append(line)
    return out


try:
    if len(CLEAN) != 3 or not os.path.exists(TSV):
        t.ok(False, "the samples and samples/kb943650.expect.tsv are there", "%r %s" % (CLEAN, TSV))
        t.done()

    # ---- clean ---------------------------------------------------------------------
    rc, rep, err = verify(TSV)
    t.ok(rc == 0 and rep and not expect_findings(rep) and rep["summary"]["errors"] == 0 and
         rep["summary"]["warnings"] == 0,
         "verify --expect samples/kb943650.expect.tsv on the samples: exit 0, no expect.* finding",
         err + (show(expect_findings(rep)) if rep else ""))
    rc, rep, err = verify(TSV, CLEAN, "--expect-dates")
    t.ok(rc == 0 and rep and not expect_findings(rep),
         "--expect-dates too: the payloads' cabinet times are the article's",
         err + (show(expect_findings(rep)) if rep else ""))

    # ---- a size edited in a copy --------------------------------------------------------
    path = edited("size.tsv", lambda ls: set_cell(ls, "Tcpip.sys", "x86", 4, "891447"))
    rc, rep, err = verify(path)
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 1 and len(fs) == 1 and fs[0]["rule"] == "expect.size" and fs[0]["severity"] == "error" and
         fs[0]["message"] == "Tcpip.sys (x86): 891447 bytes expected by the article, 891448 in the package" and
         fs[0]["location"]["input"].endswith("x86.msu") and fs[0]["location"]["entry"].endswith("/tcpip.sys"),
         "one size edited: exit 1, expect.size naming the file, the platform and both sizes",
         "exit %d\n%s%s" % (rc, err, show(fs)))

    # the same finding in every report format
    rc, out, err = mumtool("verify", *GATE, "--expect", path, *CLEAN)
    text_ok = rc == 1 and "expect.size" in out and "891447 bytes expected by the article, 891448" in out
    rc, sarif, err2 = mumtool_json("verify", "--format", "sarif", *GATE, "--expect", path, *CLEAN)
    results = sarif["runs"][0]["results"] if sarif else []
    sarif_ok = rc == 1 and any(r["ruleId"] == "expect.size" and r["level"] == "error" and
                               "891447" in r["message"]["text"] for r in results)
    rc, junit, err3 = mumtool("verify", "--format", "junit", *GATE, "--expect", path, *CLEAN)
    junit_ok = rc == 1 and '<failure type="expect.size"' in junit and "891447 bytes" in junit
    t.ok(text_ok and sarif_ok and junit_ok, "expect.size is in the text, SARIF and JUnit reports",
         "text %s sarif %s junit %s\n%s" % (text_ok, sarif_ok, junit_ok, (err + err2 + err3)[-1000:]))

    # ---- a version edited: the version resource read from the streamed image ---------------
    path = edited("version.tsv", lambda ls: set_cell(ls, "Bfe.dll", "ia64", 3, "6.0.6001.22223"))
    rc, rep, err = verify(path)
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 1 and len(fs) == 1 and fs[0]["rule"] == "expect.version" and
         fs[0]["message"] == "Bfe.dll (ia64): version 6.0.6001.22223 expected by the article, 6.0.6001.22222 in "
         "the package (its version resource)",
         "one version edited: expect.version, the package's from the PE version resource",
         "exit %d\n%s%s" % (rc, err, show(fs)))

    # ---- a date edited: reported, enforced only with --expect-dates -------------------------
    path = edited("date.tsv", lambda ls: set_cell(ls, "Tcpip.sys", "x86", 5, "2008-07-16"))
    rc, rep, err = verify(path)
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 0 and len(fs) == 1 and fs[0]["rule"] == "expect.date-differs" and
         fs[0]["severity"] == "info" and "2008-07-16 05:14 expected by the article, 2008-07-15 05:14" in
         fs[0]["message"],
         "one date edited: exit 0, the difference reported as expect.date-differs (info)",
         "exit %d\n%s%s" % (rc, err, show(fs)))
    rc, rep, err = verify(path, CLEAN, "--expect-dates")
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 1 and len(fs) == 1 and fs[0]["rule"] == "expect.date" and fs[0]["severity"] == "error",
         "the same with --expect-dates: exit 1, expect.date", "exit %d\n%s%s" % (rc, err, show(fs)))

    # ---- a row removed: the file is unexpected ---------------------------------------------
    path = edited("removed.tsv", lambda ls: [x for x in ls if not row_is(x, "file", "Netio.sys", "x86")])
    rc, rep, err = verify(path)
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 0 and len(fs) == 1 and fs[0]["rule"] == "expect.unexpected" and fs[0]["severity"] == "warning" and
         fs[0]["message"].startswith("netio.sys (x86): a file of Microsoft-Windows-NetIO-Infrastructure"),
         "a row removed: expect.unexpected (a warning) for the file of a listed component",
         "exit %d\n%s%s" % (rc, err, show(fs)))

    # ---- a row added: missing ---------------------------------------------------------------
    def add_row(ls):
        out = []
        for x in ls:
            out.append(x)
            if row_is(x, "file", "Tcpip.sys", "amd64"):
                cells = x.split("\t")
                cells[2] = "Tcpip6.sys"
                out.append("\t".join(cells))
        return out
    path = edited("added.tsv", add_row)
    rc, rep, err = verify(path)
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 1 and len(fs) == 1 and fs[0]["rule"] == "expect.missing" and
         re.match(r"Tcpip6\.sys \(amd64\): listed by the article \(added\.tsv:\d+\) but not in "
                  r"Windows6\.0-KB943650-x64\.msu \(amd64\)$", fs[0]["message"]) and
         fs[0]["location"]["input"].endswith("x64.msu"),
         "a row added: exit 1, expect.missing naming the file, the line and the input",
         "exit %d\n%s%s" % (rc, err, show(fs)))

    # ---- an article platform no input covers -------------------------------------------------
    rc, rep, err = verify(TSV, [m for m in CLEAN if not m.endswith("ia64.msu")])
    fs = expect_findings(rep) if rep else []
    t.ok(rc == 0 and len(fs) == 1 and fs[0]["rule"] == "expect.platform-missing" and fs[0]["severity"] == "info" and
         "for ia64 packages" in fs[0]["message"],
         "no ia64 input: one expect.platform-missing note, exit 0", "exit %d\n%s%s" % (rc, err, show(fs)))

    # ---- the twin ---------------------------------------------------------------------------
    rc, rep, err = verify(TSV, TWIN)
    fs = [f for f in rep["findings"] if f["severity"] in ("warning", "error")] if rep else []
    t.ok(rc == 1 and len(fs) == 1 and fs[0]["rule"] == "expect.size" and
         fs[0]["message"] == "Tcpip.sys (x86): 891448 bytes expected by the article, 891449 in the package",
         "broken/expect-size-mismatch: exactly its expect.size", "exit %d\n%s%s" % (rc, err, show(fs)))
    rc, rep, err = mumtool_json("verify", "--format", "json", *GATE, *TWIN)
    t.ok(rc == 0 and rep and not expect_findings(rep), "the twin without --expect: clean (sizes are not judged)",
         err)

    # ---- bad expectations stop the run -------------------------------------------------------
    rc, out, err = mumtool("verify", "--expect", os.path.join(work, "absent.tsv"), *CLEAN)
    t.ok(rc == 3 and "absent.tsv" in err, "--expect of a missing file: exit 3, the file named", err)
    bad = os.path.join(work, "bad.txt")
    with open(bad, "w") as f:
        f.write("no table in here\njust words\n")
    rc, out, err = mumtool("verify", "--expect", bad, *CLEAN)
    t.ok(rc == 3 and "bad.txt" in err, "--expect of a text without a table: exit 3, the file named", err)

    # ---- the article itself --------------------------------------------------------------------
    seed = sorted(glob.glob(os.path.join(SEEDS, "001_*.txt")))
    if seed:
        rc, rep, err = verify(seed[0])
        t.ok(rc == 0 and rep and not expect_findings(rep),
             "verify --expect the KB943650 article (seed 001) on the samples: exit 0, no expect.* finding",
             err + (show(expect_findings(rep)) if rep else ""))
        with open(seed[0], encoding="utf-8") as f:
            text = f.read()
        copy = os.path.join(work, "article.txt")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(text.replace("Tcpip.sys6.0.6001.22222891,44815-Jul-2008", "Tcpip.sys6.0.6001.22222891,44715-Jul-2008"))
        rc, rep, err = verify(copy)
        fs = expect_findings(rep) if rep else []
        t.ok(rc == 1 and len(fs) == 1 and fs[0]["rule"] == "expect.size" and
             fs[0]["message"] == "Tcpip.sys (x86): 891447 bytes expected by the article, 891448 in the package",
             "a copy of the article with one size edited: exit 1, that expect.size",
             "exit %d\n%s%s" % (rc, err, show(fs)))
        rc, rep, err = verify(seed[0], TWIN)
        fs = expect_findings(rep) if rep else []
        t.ok(rc == 1 and [f["rule"] for f in fs] == ["expect.size"], "the article on the twin: its expect.size",
             "exit %d\n%s%s" % (rc, err, show(fs)))
    else:
        for what in ("the KB943650 article on the samples", "a copy of the article with one size edited",
                     "the article on the twin"):
            t.skip(what, "the seeds are absent (set MUM_SEEDS)")

    # ---- the README's quick start -----------------------------------------------------------------
    readme = open(os.path.join(srcdir(), "README.md"), encoding="utf-8").read()
    block = re.search(r"^## Quick start\n.*?^```sh\n(.*?)^```", readme, re.M | re.S)
    first = block.group(1).splitlines()[0] if block else ""
    cmd = first.split("&& ./mumtool ", 1)[1] if "&& ./mumtool " in first else ""
    argv = shlex.split(cmd)
    ok = "--expect" in argv and "samples/kb943650.expect.tsv" in argv
    if ok:
        words = []
        for a in argv:
            words += sorted(glob.glob(os.path.join(srcdir(), a))) if "*" in a else \
                [os.path.join(srcdir(), a) if a.startswith("samples/") else a]
        rc, out, err = mumtool(*words)
        ok = rc == 0 and "PASS: 0 errors, 0 warnings" in out
        diag = out[-1500:] + err
    else:
        diag = first
    t.ok(ok, "the README's quick start verifies the samples with --expect: PASS", diag)
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
