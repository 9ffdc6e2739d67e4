#!/usr/bin/env python3
"""--format (TAP): every command that prints data takes --format text|json;
--format json is valid JSON that validates against the command's schema in
schemas/; --json is the same as --format json; --format text is the output
without the option, byte for byte; an unknown format is a usage error."""
import glob
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
X86 = os.path.join(S, "kb943650", "Windows6.0-KB943650-x86.msu")
X86_V2 = os.path.join(S, "kb943650-v2", "Windows6.0-KB943650-x86.msu")
if not os.path.exists(X86) or not os.path.exists(X86_V2):
    t.skip("every data command", "samples absent")
    t.done()
try:
    import jsonschema
except ImportError:
    jsonschema = None

work = tempfile.mkdtemp(prefix="mum-format-")
try:
    rc, _, err = mumtool("extract", X86, "-C", os.path.join(work, "x"))
    files = glob.glob(os.path.join(work, "x", "*.cab", "*"))
    CAT = sorted(f for f in files if f.endswith(".cat"))[0]
    MUM = sorted(f for f in files if f.endswith(".mum"))[0]
    MAN = sorted(f for f in files if f.endswith(".manifest"))[0]

    # (command words before the format option, after it, schema)
    cases = [
        (["verify"], [X86], "verify-report.schema.json"),
        (["diff"], [X86, X86_V2], "diff-report.schema.json"),
        (["graph"], [X86], "graph.schema.json"),
        (["ls"], [X86], "ls.schema.json"),
        (["info"], [X86], "info.schema.json"),
        (["show"], [MUM, MAN], "show.schema.json"),
        (["name", "parse"], [os.path.basename(MUM)], "name.schema.json"),
        (["name", "check"], [os.path.basename(MAN)], "name.schema.json"),
        (["name", "key"], ["name=a", "version=1.0.0.0", "arch=x86", "token=31bf3856ad364e35"],
         "name.schema.json"),
        (["cat"], [CAT], "cat.schema.json"),
        (["cat", "verify"], [CAT], "cat.schema.json"),
        (["cat", "check"], [CAT, MUM], "cat.schema.json"),
        (["cat", "hash"], [MUM, CAT], "cat.schema.json"),
        (["trust", "list"], [], "trust.schema.json"),
        (["rules"], [], "rules.schema.json"),
        (["expect", "parse"], [os.path.join(S, "kb943650.expect.tsv")], "expect.schema.json"),
    ]

    def timeless(v):
        """The document without the moments of evaluation ("now")."""
        if isinstance(v, dict):
            return {k: timeless(x) for k, x in v.items() if k != "evaluatedAt"}
        if isinstance(v, list):
            return [timeless(x) for x in v]
        return v

    for pre, post, schema_name in cases:
        label = " ".join(pre)
        rc, out, err = mumtool(*pre, "--format", "json", *post)
        try:
            doc = json.loads(out)
        except ValueError as e:
            t.ok(False, "%s --format json: JSON" % label, "%s\n%s%s" % (e, err, out[:1000]))
            continue
        t.ok(rc in (0, 1), "%s --format json: JSON, exit %d" % (label, rc), err)
        if jsonschema:
            schema = json.load(open(os.path.join(srcdir(), "schemas", schema_name)))
            try:
                jsonschema.validate(doc, schema)
                t.ok(True, "%s: validates against schemas/%s" % (label, schema_name))
            except jsonschema.ValidationError as e:
                t.ok(False, "%s: validates against schemas/%s" % (label, schema_name), str(e)[:2000])
        else:
            t.skip("%s: validates against schemas/%s" % (label, schema_name),
                   "python3-jsonschema is not installed")
        rc2, out2, err2 = mumtool(*pre, "--json", *post)
        try:
            same = rc2 == rc and timeless(json.loads(out2)) == timeless(doc)
        except ValueError:
            same = False
        t.ok(same, "%s --json: the same as --format json" % label, err2 + out2[:500])
        rc3, out3, _ = mumtool(*pre, *post)
        rc4, out4, _ = mumtool(*pre, "--format", "text", *post)
        if label in ("info", "cat verify"):
            # a verdict evaluated "now" names the second
            import re
            now = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ?")
            out3, out4 = now.sub("T", out3), now.sub("T", out4)
        t.ok(rc3 == rc4 and out3 == out4 and out3 != out,
             "%s --format text: the default output, byte for byte" % label)
        rc5, out5, err5 = mumtool(*pre, "--format", "yaml", *post)
        t.ok(rc5 == 2 and out5 == "" and "yaml" in err5, "%s --format yaml: usage error" % label, err5)

    if jsonschema:
        rules = json.load(open(os.path.join(srcdir(), "schemas", "rules.json")))
        schema = json.load(open(os.path.join(srcdir(), "schemas", "rules.schema.json")))
        try:
            jsonschema.validate(rules, schema)
            t.ok(True, "schemas/rules.json validates against schemas/rules.schema.json")
        except jsonschema.ValidationError as e:
            t.ok(False, "schemas/rules.json validates against schemas/rules.schema.json", str(e)[:2000])

    # A damaged input: ls --format json is still one valid document -- what
    # was read, "complete": false and the error with the offset -- then exit 3.
    ls_schema = json.load(open(os.path.join(srcdir(), "schemas", "ls.schema.json")))
    whole = open(X86, "rb").read()
    rc, out, err = mumtool("ls", "--format", "json", X86)
    t.ok(rc == 0 and "complete" not in json.loads(out), "ls --format json of a whole input has no 'complete'")
    for pct in (1, 50, 99):
        cut = os.path.join(work, "cut%d.msu" % pct)
        with open(cut, "wb") as f:
            f.write(whole[:len(whole) * pct // 100])
        rc, out, err = mumtool("ls", "--format", "json", cut)
        try:
            doc = json.loads(out)
        except ValueError as e:
            doc = None
            err += "\nnot JSON: %s" % e
        good = (rc == 3 and doc is not None and doc.get("complete") is False and
                "offset" in doc.get("error", "") and cut in doc.get("error", "") and
                doc.get("input") and isinstance(doc.get("entries"), list) and "offset" in err)
        if good and jsonschema:
            try:
                jsonschema.validate(doc, ls_schema)
            except jsonschema.ValidationError as e:
                good, err = False, str(e)[:800]
        t.ok(good, "ls --format json of the MSU cut at %d%%: valid JSON (and schema), complete false, "
             "the error with its offset, exit 3" % pct, "%s\n%s\n%s" % (rc, err, out[:800]))
    rc, out, _ = mumtool("ls", "--format", "json", os.path.join(work, "cut99.msu"))
    t.ok(rc == 3 and len(json.loads(out)["entries"]) > 0,
         "ls --format json of the MSU cut at 99%: the entries read before the damage are listed")
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
