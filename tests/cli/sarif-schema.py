#!/usr/bin/env python3
"""mumtool verify --format sarif against the official SARIF 2.1.0 schema
(TAP), vendored in tests/schemas/ (see its README.md; nothing is fetched):
the report of a failing sample, of a clean one and of a cut one (incomplete)
validate; no made-up host appears, and every rule's helpUri is a file: URI
to its own section of the installed windows-semantics.md."""
import atexit
import glob
import json
import os
import re
import shutil
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
CLEAN = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
BROKEN = sorted(glob.glob(os.path.join(S, "broken", "payload-mismatch", "*.msu")))
SCHEMA = os.path.join(srcdir(), "tests", "schemas", "sarif-schema-2.1.0.json")
if len(CLEAN) != 3 or len(BROKEN) != 3:
    t.ok(False, "the samples are there", "found %r and %r" % (CLEAN, BROKEN))
    t.done()
work = tempfile.mkdtemp(prefix="mum-sarif.")
atexit.register(shutil.rmtree, work, True)
with open(CLEAN[0], "rb") as f:
    whole = f.read()
cut = os.path.join(work, "cut.msu")
with open(cut, "wb") as f:
    f.write(whole[: len(whole) // 3])


def sarif(*inputs):
    rc, out, err = mumtool("verify", "--format", "sarif", *inputs)
    try:
        return rc, out, json.loads(out), err
    except ValueError as e:
        return rc, out, None, "%s\nnot JSON: %s" % (err, e)


reports = {"a failing sample (payload-mismatch)": sarif(*BROKEN), "the clean samples": sarif(*CLEAN),
           "a cut MSU (incomplete)": sarif(cut)}
t.ok(reports["a failing sample (payload-mismatch)"][0] == 1, "the failing sample fails (exit 1)")
t.ok(reports["a cut MSU (incomplete)"][0] == 3, "the cut MSU could not be read (exit 3)")

try:
    import jsonschema
except ImportError:
    jsonschema = None
if jsonschema is None:
    t.skip("SARIF validates against the official 2.1.0 schema", "python3-jsonschema is not installed")
else:
    schema = json.load(open(SCHEMA))
    t.ok(schema.get("id", "").startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/"),
         "the vendored schema is OASIS's SARIF 2.1.0", schema.get("id"))
    validator = jsonschema.Draft4Validator(schema)
    # the validator is live: a log whose invocation lacks executionSuccessful fails
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "invocations": [{}]}]}
    t.ok(not validator.is_valid(broken), "the schema rejects an invocation without executionSuccessful")
    for what, (rc, out, doc, err) in reports.items():
        errors = list(validator.iter_errors(doc)) if doc is not None else ["not JSON"]
        t.ok(doc is not None and not errors, "%s: the SARIF validates against the SARIF 2.1.0 schema" % what,
             err + "\n".join("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300])
                             for e in errors[:10] if not isinstance(e, str)))

# ---- no made-up host; helpUri into the installed documentation -----------------
rc, out, doc, err = reports["a failing sample (payload-mismatch)"]
t.ok(".invalid" not in out and "example.com" not in out, "no made-up host in the SARIF",
     [m for m in re.findall(r'"[^"]*\.invalid[^"]*"', out)][:5])
driver = doc["runs"][0]["tool"]["driver"] if doc else {}
info = driver.get("informationUri")
t.ok(info is None or info.startswith("file:"), "the driver's informationUri is absent or local", info)
with open(os.path.join(srcdir(), "doc", "windows-semantics.md"), encoding="utf-8") as f:
    headings = re.findall(r"^### `([a-z0-9.-]+)`", f.read(), re.M)
# the anchor a Markdown renderer gives "### `rule.id`": the id without its dots
anchors = {h.replace(".", ""): h for h in headings}
bad = []
rules = driver.get("rules", [])
for rule in rules:
    uri = rule.get("helpUri")
    if uri is None:
        continue
    u = urllib.parse.urlsplit(uri)
    if (u.scheme != "file" or not os.path.isabs(urllib.parse.unquote(u.path)) or
            not u.path.endswith("/windows-semantics.md") or anchors.get(u.fragment) != rule["id"]):
        bad.append("%s: %s" % (rule["id"], uri))
with_uri = [r for r in rules if "helpUri" in r]
t.ok(rules and not bad, "every helpUri is a file: URI to the rule's own section of windows-semantics.md",
     "\n".join(bad[:10]))
t.ok(len(with_uri) == len(rules), "every rule has its helpUri (each has a section in windows-semantics.md)",
     sorted(set(r["id"] for r in rules) - set(r["id"] for r in with_uri))[:10])

t.done()
