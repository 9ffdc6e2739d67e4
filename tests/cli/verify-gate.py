#!/usr/bin/env python3
"""mumtool verify as a CI gate (TAP): --fail-on and the policy's [gate]
fail-on choose the exit status threshold (the command line wins); a report
asked for with -o is written whatever happens after the arguments are
parsed (an input cut short, a missing policy or anchor file), marked
incomplete in every format, with the exit status still 3."""
import glob
import json
import atexit
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
CLEAN = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
BROKEN = sorted(glob.glob(os.path.join(S, "broken", "payload-mismatch", "*.msu")))
if len(CLEAN) != 3 or len(BROKEN) != 3:
    t.ok(False, "the samples are there", "found %r and %r" % (CLEAN, BROKEN))
    t.done()
work = tempfile.mkdtemp(prefix="mum-gate.")
atexit.register(shutil.rmtree, work, True)


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- --fail-on ---------------------------------------------------------------
# The clean family without its trust anchor and policy: warnings, no error.
rc, rep, err = mumtool_json("verify", "--format", "json", *CLEAN)
warn_only = bool(rep) and rep["summary"]["errors"] == 0 and rep["summary"]["warnings"] > 0
t.ok(rc == 0 and warn_only and rep["result"] == "pass" and rep["summary"]["failOn"] == "error",
     "warnings only, default gate: exit 0, result pass, failOn error", (rc, rep and rep["summary"], err))
rc, rep, err = mumtool_json("verify", "--format", "json", "--fail-on", "warning", *CLEAN)
t.ok(rc == 1 and rep and rep["result"] == "fail" and rep["summary"]["failOn"] == "warning",
     "--fail-on warning: warnings fail the gate (exit 1, result fail)", (rc, rep and rep["summary"], err))
rc, out, err = mumtool("verify", "--fail-on", "warning", *CLEAN)
t.ok(rc == 1 and "\nFAIL: 0 errors" in out, "--fail-on warning: the text report says FAIL", (rc, out[-300:], err))
rc, out, err = mumtool("verify", "--fail-on", "note", *CLEAN)
t.ok(rc == 1, "--fail-on note: warnings fail the gate too", (rc, err))
rc, out, err = mumtool("verify", "--fail-on", "error", *CLEAN)
t.ok(rc == 0, "--fail-on error: warnings pass", (rc, err))
rc, rep, err = mumtool_json("verify", "--format", "json", *BROKEN)
t.ok(rc == 1 and rep and rep["summary"]["errors"] > 0, "errors, default gate: exit 1", (rc, err))
rc, rep, err = mumtool_json("verify", "--format", "json", "--fail-on", "never", *BROKEN)
t.ok(rc == 0 and rep and rep["summary"]["errors"] > 0 and rep["result"] == "pass",
     "--fail-on never: errors give exit 0 (still reported)", (rc, rep and rep["summary"], err))

# ---- the policy's [gate] -------------------------------------------------------
strict = write("strict.policy", "# a strict gate\n[gate]\nfail-on = warning\n")
lax = write("lax.policy", "[gate]\nfail-on = never\n")
rc, out, err = mumtool("verify", "--policy", strict, *CLEAN)
t.ok(rc == 1, "policy fail-on = warning: warnings fail the gate", (rc, err))
rc, out, err = mumtool("verify", "--policy", lax, *BROKEN)
t.ok(rc == 0, "policy fail-on = never: errors give exit 0", (rc, err))
rc, out, err = mumtool("verify", "--policy", strict, "--fail-on", "error", *CLEAN)
t.ok(rc == 0, "--fail-on error wins over the policy's fail-on = warning", (rc, err))
rc, out, err = mumtool("verify", "--fail-on", "error", "--policy", lax, *BROKEN)
t.ok(rc == 1, "--fail-on error wins over the policy's fail-on = never (either order)", (rc, err))
bad = write("bad.policy", "[gate]\nfail-on = sometimes\n")
rc, out, err = mumtool("verify", "--policy", bad, *CLEAN)
t.ok(rc == 3 and "bad.policy:2:11:" in err and "error, warning, note or never" in err,
     "a bad fail-on in the policy: exit 3 naming file, line and column", (rc, err))

# ---- usage errors --------------------------------------------------------------
rc, out, err = mumtool("verify", "--fail-on", "warnings", *CLEAN)
t.ok(rc == 2 and "--fail-on 'warnings'" in err and "error, warning, note or never" in err
     and len(err.splitlines()) <= 2 and out == "",
     "--fail-on warnings: usage error (exit 2) naming the value and the choices", (rc, out, err))
rc, out, err = mumtool("verify", *CLEAN, "--fail-on")
t.ok(rc == 2, "--fail-on without a value: usage error", (rc, err))
rc, out, err = mumtool("verify", "--help")
t.ok(rc == 0 and "--fail-on LEVEL" in out, "--help documents --fail-on", out)


# ---- reports are always written ------------------------------------------------
# A sample MSU cut in the middle, made here from the committed sample.
with open(CLEAN[2], "rb") as f:
    whole = f.read()
cut = os.path.join(work, "cut.msu")
with open(cut, "wb") as f:
    f.write(whole[:len(whole) // 2])
try:
    import jsonschema
    verify_schema = json.load(open(os.path.join(srcdir(), "schemas", "verify-report.schema.json")))
except ImportError:
    jsonschema = None


def report(fmt, *args):
    """verify --format fmt -o FILE args: (exit status, the file's text or None, stderr)."""
    path = os.path.join(work, "report." + fmt)
    if os.path.exists(path):
        os.unlink(path)
    rc, out, err = mumtool("verify", "--format", fmt, "-o", path, *args)
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    return rc, text, err


def load(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


rc, text, err = report("sarif", cut)
sarif = load(text)
inv = sarif and sarif["runs"][0].get("invocations", [{}])[0]
t.ok(rc == 3 and "cut.msu" in err and "offset" in err, "cut MSU: exit 3, the error on stderr names the file and offset",
     (rc, err))
t.ok(bool(inv) and inv.get("executionSuccessful") is False and inv.get("exitCode") == 3,
     "cut MSU: the SARIF is written, invocations[0].executionSuccessful false, exitCode 3", text and text[:1500])
notes = inv.get("toolExecutionNotifications", []) if inv else []
loc = notes[0]["locations"][0]["physicalLocation"] if notes and notes[0].get("locations") else {}
t.ok(len(notes) == 1 and notes[0]["level"] == "error" and "cut.msu" in notes[0]["message"]["text"] and
     "offset" in notes[0]["message"]["text"] and loc.get("artifactLocation", {}).get("uri") == cut and
     isinstance(loc.get("region", {}).get("byteOffset"), int) and notes[0]["message"]["text"] in err,
     "cut MSU: one toolExecutionNotification with the error line, the file and its byte offset", notes)

rc, text, err = report("junit", cut)
try:
    root = ET.fromstring(text or "")
except ET.ParseError as e:
    root = None
    err += "\nnot XML: %s" % e
errors = root.findall(".//testcase/error") if root is not None else []
t.ok(rc == 3 and root is not None and root.get("errors") == "1" and len(errors) == 1 and
     "cut.msu" in errors[0].get("message", "") and "offset" in errors[0].get("message", ""),
     "cut MSU: the JUnit is written, with one test case in <error> naming the file and offset",
     (rc, err, (text or "")[:800]))

rc, text, err = report("json", "--fail-on", "warning", cut)
rep = load(text)
t.ok(rc == 3 and rep and rep.get("complete") is False and rep.get("result") == "error" and
     rep["summary"]["failOn"] == "warning" and
     "cut.msu" in rep.get("error", {}).get("message", "") and
     rep.get("error", {}).get("location", {}).get("input") == cut and "offset" in rep["error"]["location"],
     "cut MSU: the JSON is written, complete false, with the error and its location", (rc, err, (text or "")[:800]))
sch = (rep or {}).get("$schema", "")
t.ok(sch.startswith("file:///") and sch.endswith("/mumtool/schemas/verify-report.schema.json"),
     "the JSON report's $schema is the installed schema's file, on no made-up host", sch)
if jsonschema:
    try:
        jsonschema.validate(rep, verify_schema)
        t.ok(True, "the incomplete JSON report validates against schemas/verify-report.schema.json")
    except jsonschema.ValidationError as e:
        t.ok(False, "the incomplete JSON report validates against schemas/verify-report.schema.json", str(e)[:800])
else:
    t.skip("the incomplete JSON report validates against its schema", "python3-jsonschema is not installed")

rc, text, err = report("text", cut)
t.ok(rc == 3 and text is not None and "INCOMPLETE: " in text and "cut.msu" in text,
     "cut MSU: the text report is written too, saying it is incomplete and why", (rc, text, err))
rc, out, err = mumtool("verify", cut)
t.ok(rc == 3 and out == "", "cut MSU, text on standard output: nothing there (the error is on stderr)", (out, err))
rc, out, err = mumtool("verify", "--format", "sarif", CLEAN[0], cut)
sarif = load(out)
t.ok(rc == 3 and sarif and sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False and
     len(sarif["runs"][0]["artifacts"]) == 2,
     "a good and a cut input, SARIF on standard output: incomplete, both inputs as artifacts", (rc, out[:600], err))

# what fails before the inputs are read writes a report too
rc, text, err = report("sarif", "--policy", os.path.join(work, "no-such.policy"), *CLEAN)
inv = (load(text) or {"runs": [{}]})["runs"][0].get("invocations", [{}])[0]
t.ok(rc == 3 and inv.get("executionSuccessful") is False and
     "no-such.policy" in inv.get("toolExecutionNotifications", [{}])[0].get("message", {}).get("text", ""),
     "a missing policy file: SARIF written, naming it", (rc, err, text and text[-800:]))
rc, text, err = report("json", "--policy", bad, *CLEAN)
rep = load(text)
t.ok(rc == 3 and rep and rep["complete"] is False and rep["error"]["location"].get("line") == 2 and
     rep["error"]["location"].get("column") == 11,
     "a bad policy file: JSON written, with the policy's line and column", (rc, err, text))
rc, text, err = report("junit", "--trust", os.path.join(work, "no-such.pem"), *CLEAN)
t.ok(rc == 3 and text and "<error" in text and "no-such.pem" in text,
     "a missing --trust file: JUnit written with its error", (rc, err, text and text[:600]))
rc, text, err = report("sarif", os.path.join(work, "no-such.msu"))
inv = (load(text) or {"runs": [{}]})["runs"][0].get("invocations", [{}])[0]
t.ok(rc == 3 and inv.get("executionSuccessful") is False, "a missing input: SARIF written", (rc, err, text))
rc, out, err = mumtool("verify", "-o", os.path.join(work, "no-such-dir", "r.sarif"), *CLEAN)
t.ok(rc == 3 and "no-such-dir/r.sarif: cannot write" in err, "an output that cannot be created: exit 3, said",
     (rc, err))

# complete runs say so
rc, text, err = report("sarif", *CLEAN)
inv = (load(text) or {"runs": [{}]})["runs"][0].get("invocations", [{}])[0]
t.ok(rc == 0 and inv.get("executionSuccessful") is True and inv.get("exitCode") == 0 and
     "toolExecutionNotifications" not in inv,
     "good samples: SARIF invocations[0].executionSuccessful true, exitCode 0, no notification", (rc, err, inv))
rc, text, err = report("sarif", *BROKEN)
inv = (load(text) or {"runs": [{}]})["runs"][0].get("invocations", [{}])[0]
t.ok(rc == 1 and inv.get("executionSuccessful") is True and inv.get("exitCode") == 1,
     "findings are no failure to run: executionSuccessful true, exitCode 1", (rc, err, inv))
rc, text, err = report("json", *CLEAN)
rep = load(text)
t.ok(rc == 0 and rep and rep["complete"] is True and "error" not in rep, "good samples: JSON complete true",
     (rc, err))
rc, text, err = report("junit", *CLEAN)
t.ok(rc == 0 and text and "<error" not in text and 'errors="0"' in text, "good samples: JUnit without <error>",
     (rc, err))


# ---- diff -o writes its report too ---------------------------------------------
diff_schema = json.load(open(os.path.join(srcdir(), "schemas", "diff-report.schema.json")))
path = os.path.join(work, "diff.json")
rc, out, err = mumtool("diff", "--format", "json", "-o", path, CLEAN[2], cut)
rep = load(open(path).read()) if os.path.exists(path) else None
t.ok(rc == 3 and rep and rep.get("complete") is False and "cut.msu" in rep["error"]["message"] and
     rep["error"]["location"].get("input") == cut and "offset" in rep["error"]["location"],
     "diff against a cut MSU: exit 3, the JSON is written, complete false, with the error", (rc, err, rep))
rc, out, err = mumtool("diff", "--format", "json", "-o", path, *CLEAN[:2])
rep2 = load(open(path).read()) if os.path.exists(path) else None
t.ok(rc in (0, 1) and rep2 and rep2.get("complete") is True and "error" not in rep2,
     "diff of two good samples: complete true", (rc, err))
if jsonschema:
    bad = []
    for what, doc in (("incomplete", rep), ("complete", rep2)):
        try:
            jsonschema.validate(doc, diff_schema)
        except jsonschema.ValidationError as e:
            bad.append("%s: %s" % (what, str(e)[:600]))
    t.ok(not bad, "both diff reports validate against schemas/diff-report.schema.json", "\n".join(bad))
else:
    t.skip("diff reports validate against their schema", "python3-jsonschema is not installed")
path = os.path.join(work, "diff.html")
rc, out, err = mumtool("diff", "--format", "html", "-o", path, CLEAN[2], cut)
html = open(path).read() if os.path.exists(path) else ""
t.ok(rc == 3 and "<html" in html and "incomplete" in html and "cut.msu" in html,
     "diff --format html against a cut MSU: the page is written, saying why it is incomplete", (rc, err, html))


# ---- notes in the text report ------------------------------------------------
# Three notes of a rule are shown, the rest counted; --verbose shows all.
# The clean family without its anchor has 41 signature.untrusted-root and 4
# matrix.package-missing warnings: a policy makes them notes.
notes = write("notes.policy", "[severity]\nsignature.untrusted-root = info\n"
              "matrix.package-missing = info\n")
rc, out, err = mumtool("verify", "--policy", notes, *CLEAN)
shown = [l for l in out.splitlines() if l.startswith("    note: ")]
per_rule = {r: sum(1 for l in shown if l.endswith("[%s]" % r) or "[%s] " % r in l)
            for r in ("signature.untrusted-root", "matrix.package-missing")}
t.ok(per_rule == {"signature.untrusted-root": 3, "matrix.package-missing": 3}
     and "    ... and 38 more notes of signature.untrusted-root (--verbose shows them)" in out
     and "    ... and 1 more notes of matrix.package-missing (--verbose shows them)" in out,
     "text report: three notes of each rule, then how many more", (per_rule, out[-3000:], err))
rc, out, err = mumtool("verify", "--verbose", "--policy", notes, *CLEAN)
shown = [l for l in out.splitlines() if l.startswith("    note: ")]
t.ok(len(shown) >= 45 and "more notes of" not in out,
     "text report --verbose: every note", (len(shown), out[-2000:], err))

t.done()
