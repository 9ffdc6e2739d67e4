#!/usr/bin/env python3
"""mumtool verify on the samples (TAP): the clean KB943650 family verifies
with no error and shows its matrix; every broken twin yields exactly the
findings samples/README.md documents for it (rule, input and entry); the
report formats hold what their consumers need."""
import fnmatch
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, at_least_warning, mumtool, mumtool_json, srcdir  # noqa: E402

t = Tap()
S = os.path.join(srcdir(), "samples")
CA = os.path.join(S, "test-ca.pem")
POLICY = os.path.join(S, "kb943650.policy")
CLEAN = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
GATE = ["--trust", CA, "--policy", POLICY]
EXPECT = os.path.join(S, "kb943650.expect.tsv")

if len(CLEAN) != 3:
    t.ok(False, "the three clean samples are there", "found %r" % CLEAN)
    t.done()

# ---- the clean family ----------------------------------------------------------
rc, rep, err = mumtool_json("verify", "--format", "json", *GATE, *CLEAN)
t.ok(rc == 0 and rep and rep["result"] == "pass", "clean family: exit 0, result pass", err)
if rep:
    s = rep["summary"]
    t.ok(s["errors"] == 0 and s["warnings"] == 0, "clean family with its policy: no error, no warning",
         "\n".join("%s %s" % (f["rule"], f["message"]) for f in at_least_warning(rep)))
    m = rep["matrix"]
    t.ok(m["platforms"] == ["x86", "amd64", "ia64"], "matrix columns x86, amd64, ia64", m["platforms"])
    rows = {(r["name"], r["part"]): r for r in m["components"]}
    want = {("Microsoft-Windows-TCPIP-Binaries", "native"), ("Microsoft-Windows-NetIO-Infrastructure", "native"),
            ("Microsoft-Windows-Network-Security", "native"), ("Microsoft-Windows-NetIO-Infrastructure", "wow64"),
            ("Microsoft-Windows-Network-Security", "wow64")}
    t.ok(set(rows) == want, "component rows: three components and two wow64 parts", sorted(rows))
    versions = {c.get("version") for r in m["components"] for c in r["cells"] if c["present"]}
    t.ok(versions == {"6.0.6001.22222"}, "one version everywhere (6.0.6001.22222)", versions)
    wow = rows.get(("Microsoft-Windows-NetIO-Infrastructure", "wow64"))
    t.ok(wow and [c["present"] for c in wow["cells"]] == [False, True, True],
         "wow64 parts on amd64 and ia64 only", wow)
    tcpip = rows.get(("Microsoft-Windows-TCPIP-Binaries", "native"), {})
    t.ok("kernel" in tcpip.get("expected", ""), "tcpip-binaries' missing wow64 part is explained by the policy",
         tcpip)
    pk = {r["name"]: r for r in m["packages"]}
    t.ok(len(pk) == 13, "13 package rows", sorted(pk))
    client = pk.get("Package_for_KB943650_client", {"cells": []})
    t.ok([c["present"] for c in client["cells"]] == [True, True, False] and
         "Itanium" in client["cells"][2].get("expected", ""),
         "client package: x86 and amd64, absent on ia64 with the policy's reason", client)
    per_input = {os.path.basename(i["path"]): (i["packages"], i["manifests"]) for i in rep["inputs"]}
    t.ok(per_input == {"Windows6.0-KB943650-x86.msu": (13, 6), "Windows6.0-KB943650-x64.msu": (13, 9),
                       "Windows6.0-KB943650-ia64.msu": (9, 7)},
         "13/13/9 packages, 6, 7+2, 5+2 manifests", per_input)
    sigs = [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]
    t.ok(len(sigs) == 6 and all(s["status"] == "trusted" for s in sigs),
         "every MSU and inner cabinet signature is trusted with --trust samples/test-ca.pem", sigs)

# without a policy or --trust: warnings, still exit 0.  The samples' test CA
# is not one of the built-in anchors, so each of the 35 catalog and 6
# cabinet signatures is intact but untrusted: a warning, not an error.
BY_DESIGN = ["matrix.no-wow64-part"] + ["matrix.package-missing"] * 4
rc, rep, err = mumtool_json("verify", "--format", "json", *CLEAN)
if rep:
    got = sorted(f["rule"] for f in at_least_warning(rep))
    t.ok(rc == 0 and got == BY_DESIGN + ["signature.untrusted-root"] * 41 and rep["summary"]["trustAnchors"] == 12,
         "no policy, no --trust: exit 0, the by-design differences and 41 untrusted-root warnings (12 anchors)",
         "exit %d\n%s" % (rc, got))
else:
    t.ok(False, "verify without policy gives JSON", err)

# with --no-default-trust and no --trust there are no anchors at all:
# integrity only, one trust.no-anchors warning
rc, rep, err = mumtool_json("verify", "--format", "json", "--no-default-trust", *CLEAN)
if rep:
    got = sorted(f["rule"] for f in at_least_warning(rep))
    t.ok(rc == 0 and got == BY_DESIGN + ["trust.no-anchors"] and rep["summary"]["trustAnchors"] == 0,
         "--no-default-trust: exit 0, the by-design differences and trust.no-anchors", "exit %d\n%s" % (rc, got))
else:
    t.ok(False, "verify --no-default-trust gives JSON", err)

# MUM_TRUST names more anchor files: the test CA through it is as --trust
env = dict(os.environ, MUM_TRUST=":" + CA + ":")
r = subprocess.run([os.environ["MUMTOOL"], "verify", "--format", "json", "--policy", POLICY, *CLEAN],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
try:
    rep = json.loads(r.stdout)
    sigs = [s for i in rep["inputs"] for s in i["signatures"] if s["present"]]
    t.ok(r.returncode == 0 and rep["result"] == "pass" and rep["summary"]["warnings"] == 0 and
         rep["summary"]["trustAnchors"] == 13 and len(sigs) == 6 and all(s["status"] == "trusted" for s in sigs),
         "MUM_TRUST=samples/test-ca.pem: 13 anchors, every signature trusted, no warning",
         r.stderr.decode() + r.stdout.decode()[:3000])
except ValueError:
    t.ok(False, "verify with MUM_TRUST gives JSON", r.stderr.decode())
env["MUM_TRUST"] = "/nonexistent/anchors.pem"
r = subprocess.run([os.environ["MUMTOOL"], "verify", *CLEAN], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
t.ok(r.returncode == 3 and b"MUM_TRUST: /nonexistent/anchors.pem: cannot open" in r.stderr,
     "MUM_TRUST naming a missing file: exit 3, the variable and the file named", r.stderr.decode())

# the text report shows the matrix as a table
rc, out, err = mumtool("verify", *GATE, *CLEAN)
t.ok(rc == 0 and re.search(r"^Components +x86 +amd64 +ia64", out, re.M) and
     re.search(r"^  Microsoft-Windows-NetIO-Infrastructure \(wow64\) +n/a +6\.0\.6001\.22222 +6\.0\.6001\.22222",
               out, re.M) and "PASS: 0 errors, 0 warnings" in out,
     "text report: the component table and PASS", out[-3000:] + err)

# ---- the broken twins ------------------------------------------------------------
readme = open(os.path.join(S, "README.md"), encoding="utf-8").read()
twins = re.findall(r"^\| `([a-z0-9-]+)` \| (.*?) \| `([a-z0-9.-]+)` \| (.*?) \|$", readme, re.M)
t.ok(len(twins) == 13, "samples/README.md documents 13 twins", len(twins))
for name, defect, rule, where in twins:
    folder = os.path.join(S, "broken", name)
    inputs = sorted(glob.glob(os.path.join(folder, "*.msu")))
    expected = []
    for place in where.split(";"):
        place = place.strip().strip("`")
        inp, _, entry = place.partition(":")
        expected.append((rule, inp.strip(), entry.strip().strip("`")))
    # a twin of the expected contents is checked against them too
    expect = ["--expect", EXPECT] if rule.startswith("expect.") else []
    rc, rep, err = mumtool_json("verify", "--format", "json", *GATE, *expect, *inputs)
    if not rep:
        t.ok(False, "twin %s: verify gives a report" % name, err)
        continue
    got = at_least_warning(rep)
    missing = []
    for r, inp, entry in expected:
        hit = [f for f in got if f["rule"] == r and os.path.basename(f["location"].get("input", "")) == inp
               and fnmatch.fnmatch(f["location"].get("entry", "").rsplit("!", 1)[-1], entry or "")]
        if len(hit) != 1:
            missing.append((r, inp, entry, len(hit)))
    extra = len(got) - len(expected)
    severity = {f["severity"] for f in got}
    t.ok(not missing and extra == 0 and rc == (1 if "error" in severity else 0),
         "twin %s: exactly %s at %s" % (name, rule, where.replace("`", "")),
         "exit %d; not found once: %r\ngot:\n%s" % (rc, missing, "\n".join(
             "%s %s %s %s" % (f["rule"], f["location"].get("input"), f["location"].get("entry"), f["message"])
             for f in got)))

# ---- the other formats -------------------------------------------------------------
twin = sorted(glob.glob(os.path.join(S, "broken", "missing-subpackage", "*.msu")))
rc, sarif, err = mumtool_json("verify", "--format", "sarif", *GATE, *twin)
ok = bool(sarif) and sarif.get("version") == "2.1.0" and len(sarif.get("runs", [])) == 1
diag = err
if ok:
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    arts = run["artifacts"]
    errors = [r for r in results if r["level"] == "error"]
    ok = (len(errors) == 1 and errors[0]["ruleId"] == "graph.missing-package" and
          rules[errors[0]["ruleIndex"]]["id"] == "graph.missing-package" and
          all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results) and
          all(r["level"] in ("error", "warning", "note") for r in results))
    loc = errors[0]["locations"][0]["physicalLocation"] if errors else {}
    art = arts[loc["artifactLocation"]["index"]] if loc else {}
    ok = ok and loc.get("region", {}).get("startLine", 0) > 0 and \
        art.get("location", {}).get("uri", "").endswith(".mum") and \
        arts[art["parentIndex"]]["location"]["uri"].endswith("x86.msu")
    diag = str(errors)[:2000]
t.ok(ok, "SARIF 2.1.0: rules with indexes, the error with its line, nested artifact under its input", diag)

rc, out, err = mumtool("verify", "--format", "junit", *GATE, *twin)
with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
    f.write(out)
    path = f.name
lint = subprocess.run(["xmllint", "--noout", path], stderr=subprocess.PIPE)
os.unlink(path)
m = re.search(r'<testsuites name="mumtool verify" tests="(\d+)" failures="(\d+)"', out)
rc_rules, rules_json, _ = mumtool_json("rules", "--json")
t.ok(lint.returncode == 0 and m and int(m.group(2)) == 1 and int(m.group(1)) == len(rules_json) and
     '<failure type="graph.missing-package"' in out,
     "JUnit: well-formed, one test case per rule, the failing rule failed",
     lint.stderr.decode() + out[:1500])

try:
    import jsonschema
    schema = __import__("json").load(open(os.path.join(srcdir(), "schemas", "verify-report.schema.json")))
    bad = []
    for folder in ["kb943650"] + ["broken/" + n for n, *_ in twins]:
        rc, rep, err = mumtool_json("verify", "--format", "json", *GATE,
                                    *sorted(glob.glob(os.path.join(S, folder, "*.msu"))))
        try:
            jsonschema.validate(rep, schema)
        except Exception as e:  # noqa: BLE001
            bad.append("%s: %s" % (folder, str(e)[:500]))
    t.ok(not bad, "every JSON report validates against schemas/verify-report.schema.json", "\n".join(bad))
except ImportError:
    t.skip("JSON reports validate against the schema", "python3-jsonschema is not installed")

# graph --format dot draws the missing sub-package
rc, out, err = mumtool("graph", "--format", "dot", *twin)
t.ok(rc == 0 and out.startswith("digraph") and "missing: Package_6_for_KB943650 6.0.1.0 x86" in out,
     "graph --format dot shows the missing sub-package in red", out[:500] + err)

t.done()
