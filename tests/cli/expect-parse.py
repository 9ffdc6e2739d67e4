#!/usr/bin/env python3
"""mumtool expect parse (TAP): each seed article (MUM_SEEDS, default
../shared/seeds beside the source tree) parses to exactly its rows -- the
counts below were made by hand from the seed texts -- with spot-checked
values of every seed and layout; a copy of an article with one row mangled
(made here) is an error naming that line; the TSV and JSON forms read back
to the same rows; samples/kb943650.expect.tsv is still what the KB943650
article gives; the JSON validates against schemas/expect.schema.json; '-'
reads standard input; usage errors exit 2, unreadable input 3."""
import glob
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402

t = Tap()
SEEDS = os.environ.get("MUM_SEEDS") or os.path.join(srcdir(), "..", "shared", "seeds")
SAMPLE = os.path.join(srcdir(), "samples", "kb943650.expect.tsv")
try:
    import jsonschema
except ImportError:
    jsonschema = None
SCHEMA = json.load(open(os.path.join(srcdir(), "schemas", "expect.schema.json")))

# Counted by hand from the seed texts: (file rows, .mum/.manifest rows,
# rows per section heading in order, KB).
EXPECTED = {
    # run-together cells, one row per platform section (Windows Server 2003)
    "000": (3, 0, [1, 1, 1], "909665"),
    # run-together cells: 8 x86, 10 x64 (two of them x86/wow64 parts), 10 ia64;
    # additional blocks: 13 .mum + 6 manifests (x86), 13 + 7 + 2 wow64 (x64),
    # 9 + 5 + 2 wow64 (ia64)
    "001": (28, 57, [8, 10, 10, 19, 22, 16], "943650"),
    # spaced cells under "File information", no platform heading
    "002": (4, 0, [4], "908674"),
    # spaced cells, one row per platform for Vista/2008 and 7/2008 R2; two
    # additional blocks per platform (an update.mum and a manifest)
    "003": (6, 12, [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2], None),
    # date-first fixed-width tables; x86 without a platform column
    "004": (5, 0, [1, 2, 2], "907019"),
}


def parse(*args, stdin=None):
    rc, out, err = mumtool("expect", "parse", "--format", "json", *args, stdin=stdin)
    try:
        return rc, json.loads(out), err
    except ValueError:
        return rc, None, err + out[:500]


def facts(doc):
    """The rows without where they were read (line, source)."""
    return [{k: v for k, v in f.items() if k not in ("line", "source")} for f in doc["files"]]


def find(doc, name, platform=None, section_has=None, kind=None):
    rows = [f for f in doc["files"] if f["name"] == name and
            (platform is None or f["platform"] == platform) and
            (section_has is None or (f["section"] and section_has in f["section"])) and
            (kind is None or f["kind"] == kind)]
    return rows[0] if len(rows) == 1 else {"ambiguous or absent": len(rows)}


def same(row, **want):
    return all(row.get(k) == v for k, v in want.items())


def sections(doc):
    """Rows per run of the same heading and kind, in order."""
    out, prev = [], None
    for f in doc["files"]:
        key = (f["section"], f["kind"])
        if key != prev:
            out.append(0)
            prev = key
        out[-1] += 1
    return out


# ---- without the seeds: the CLI itself ----
rc, out, err = mumtool("expect", "--help")
t.ok(rc == 0 and "expect parse" in out and "tsv" in out, "expect --help: exit 0, the usage", err)
rc, out, err = mumtool("expect")
t.ok(rc == 2 and "parse" in err, "expect without a subcommand: usage error", err)
rc, out, err = mumtool("expect", "parse")
t.ok(rc == 2 and "ARTICLE" in err, "expect parse without an ARTICLE: usage error", err)
rc, out, err = mumtool("expect", "parse", "--format", "xml", SAMPLE)
t.ok(rc == 2 and "xml" in err and out == "", "expect parse --format xml: usage error", err)
rc, out, err = mumtool("expect", "parse", "/nonexistent/kb.txt")
t.ok(rc == 3 and "/nonexistent/kb.txt" in err, "a missing ARTICLE: exit 3 naming it", err)

work = tempfile.mkdtemp(prefix="mum-expect-")
try:
    prose = os.path.join(work, "prose.txt")
    with open(prose, "w") as f:
        f.write("An article\n\nSymptoms\n\nThe computer stops at 10:30 on 15-Jul-2008.\n")
    rc, out, err = mumtool("expect", "parse", prose)
    t.ok(rc == 3 and "%s: no file table found" % prose in err, "an article without a table: exit 3, "
         "'SOURCE: no file table found'", err)

    # the committed sample: read back whatever the seeds
    rc, doc, err = parse(SAMPLE)
    ok = rc == 0 and doc is not None
    t.ok(ok and len(doc["files"]) == 85 and
         sum(f["kind"] == "file" for f in doc["files"]) == 28,
         "samples/kb943650.expect.tsv reads back: 85 rows, 28 of them files", err)
    if ok:
        t.ok(same(find(doc, "Tcpip.sys", "IA-64"), version="6.0.6001.22222", size=2922552,
                  arch="ia64", package_arch="ia64"),
             "samples/kb943650.expect.tsv: Tcpip.sys IA-64 6.0.6001.22222 2922552",
             json.dumps(find(doc, "Tcpip.sys", "IA-64")))
        t.ok(doc["sources"] == [{"file": SAMPLE, "title": None, "kb": "943650"}],
             "samples/kb943650.expect.tsv: its source, the KB kept, no title", json.dumps(doc["sources"]))
    else:
        t.skip("samples/kb943650.expect.tsv: Tcpip.sys", "it does not read")
        t.skip("samples/kb943650.expect.tsv: its source", "it does not read")
    rc, out, err = mumtool("expect", "parse", SAMPLE)
    rc2, out2, _ = mumtool("expect", "parse", "--format", "text", SAMPLE)
    t.ok(rc == 0 and out == out2 and "Tcpip.sys" in out and "85 rows" in out,
         "--format text: the default, a table per section", err)
    rc, out, err = mumtool("expect", "parse", "--json", SAMPLE)
    t.ok(rc == 0 and json.loads(out) == doc, "--json is --format json", err)
    with open(SAMPLE, "rb") as f:
        rc, din, err = parse("-", stdin=f.read())
    t.ok(rc == 0 and din and facts(din) == facts(doc) and din["files"][0]["source"] == "-",
         "'-' reads standard input (source '-')", err)

    seeds = sorted(glob.glob(os.path.join(SEEDS, "*.txt")))
    if not seeds:
        t.skip("every seed article", "the seed articles are absent (set MUM_SEEDS): %s" % SEEDS)
        t.done()

    docs = {}
    for seed in seeds:
        key = os.path.basename(seed)[:3]
        if key not in EXPECTED:
            continue
        files, additional, per_section, kb = EXPECTED[key]
        rc, doc, err = parse(seed)
        if rc != 0 or doc is None:
            t.ok(False, "%s parses" % key, err)
            continue
        docs[key] = (seed, doc)
        got = (sum(f["kind"] == "file" for f in doc["files"]),
               sum(f["kind"] == "additional" for f in doc["files"]))
        t.ok(got == (files, additional), "%s: %d file rows and %d .mum/.manifest rows" %
             (key, files, additional), "got %s" % (got,))
        t.ok(sections(doc) == per_section, "%s: rows per section %s" % (key, per_section),
             "got %s" % sections(doc))
        t.ok(doc["sources"][0]["kb"] == kb, "%s: KB %s" % (key, kb), json.dumps(doc["sources"]))
        if jsonschema:
            try:
                jsonschema.validate(doc, SCHEMA)
                t.ok(True, "%s: validates against schemas/expect.schema.json" % key)
            except jsonschema.ValidationError as e:
                t.ok(False, "%s: validates against schemas/expect.schema.json" % key, str(e)[:1500])
        else:
            t.skip("%s: validates against the schema" % key, "python3-jsonschema is not installed")
        # own forms read back to the same rows
        rc, tsv, err = mumtool("expect", "parse", "--format", "tsv", seed)
        p = os.path.join(work, key + ".tsv")
        open(p, "w").write(tsv)
        rc2, back, err2 = parse(p)
        t.ok(rc == 0 and rc2 == 0 and back and facts(back) == facts(doc),
             "%s: its TSV form reads back to the same rows" % key, err + err2)
        p = os.path.join(work, key + ".json")
        open(p, "w").write(json.dumps(doc))
        rc2, back, err2 = parse(p)
        t.ok(rc2 == 0 and back and facts(back) == facts(doc) and
             back["sources"][0]["title"] == doc["sources"][0]["title"] and
             back["sources"][0]["kb"] == kb,
             "%s: its JSON form reads back to the same rows, title and KB" % key, err2)

    def spot(key, what, row, **want):
        if key not in docs:
            t.skip("%s: %s" % (key, what), "the seed is absent")
            return
        t.ok(same(row(docs[key][1]), **want), "%s: %s" % (key, what), json.dumps(row(docs[key][1])))

    # 000: run together; 333,312 could also be read 25543 + 33,312
    spot("000", "Tcpip.sys x86 5.2.3790.2554 333,312 (an ambiguous split)",
         lambda d: find(d, "Tcpip.sys", "x86"), version="5.2.3790.2554", size=333312,
         date="2005-10-22", time="04:48", arch="x86", package_arch="x86")
    spot("000", "Tcpip.sys IA-64 1,117,184 under the Itanium heading",
         lambda d: find(d, "Tcpip.sys", "IA-64"), version="5.2.3790.2554", size=1117184,
         time="12:41", arch="ia64", package_arch="ia64",
         section="Windows Server 2003, Itanium-based versions")
    # 001: run together, Not Applicable, x86 rows in 64-bit sections, blocks
    spot("001", "Tcpip.sys IA-64 6.0.6001.22222 2,922,552",
         lambda d: find(d, "Tcpip.sys", "IA-64"), version="6.0.6001.22222", size=2922552,
         date="2008-07-15", time="05:28", arch="ia64", package_arch="ia64", kind="file")
    spot("001", "Tcpip.sys x64 1,419,832 (6.0.6001.222221,419,832 split by the section's version)",
         lambda d: find(d, "Tcpip.sys", "x64"), version="6.0.6001.22222", size=1419832, arch="amd64")
    spot("001", "Wfp.mof x86: Not Applicable version and platform, 814 bytes, the section's arch",
         lambda d: find(d, "Wfp.mof", None, "32-bit"), version=None, platform=None, size=814,
         date="2007-12-18", time="21:11", arch="x86", package_arch="x86")
    spot("001", "Fwpuclnt.dll x86 in the 64-bit section: arch x86 of an amd64 package",
         lambda d: find(d, "Fwpuclnt.dll", "x86", "64-bit"), size=595456, arch="x86",
         package_arch="amd64")
    spot("001", "Package_1_for_kb943650 x86 .mum: 2,230 bytes, additional",
         lambda d: find(d, "Package_1_for_kb943650~31bf3856ad364e35~x86~~6.0.1.0.mum"),
         kind="additional", size=2230, version=None, date="2008-07-15", time="18:03", arch="x86",
         package_arch="x86")
    spot("001", "the wow64 network-security manifest of the ia64 section: arch wow64",
         lambda d: find(d, "Wow64_microsoft-windows-network-security_31bf3856ad364e35_6.0.6001.22222"
                           "_none_340db52c307512bb.manifest", None, "Itanium"),
         size=71155, time="07:13", arch="wow64", package_arch="ia64")
    spot("001", "X86 network-security manifest: 127,634 bytes at 07:20",
         lambda d: find(d, "X86_microsoft-windows-network-security_31bf3856ad364e35_6.0.6001.22222"
                           "_none_cd9a6f5643b6df8a.manifest"), size=127634, time="07:20", arch="x86")
    # 002: spaced
    spot("002", "Ese.dll 6.5.7651.47 2,254,848 x86 under File information",
         lambda d: find(d, "Ese.dll"), version="6.5.7651.47", size=2254848, date="2006-09-05",
         time="20:35", platform="x86", arch="x86", package_arch=None, section="File information")
    spot("002", "Ifsproxy.dll 18,432", lambda d: find(d, "Ifsproxy.dll"), size=18432, time="19:12")
    # 003: spaced, two operating systems, blocks without a final newline
    spot("003", "Diskdump.sys IA-64 of Windows 7/2008 R2: 6.1.7600.20882 54,656",
         lambda d: find(d, "Diskdump.sys", "IA-64", "R2"), version="6.1.7600.20882", size=54656,
         date="2011-01-17", time="05:19", arch="ia64")
    spot("003", "Diskdump.sys x86 of Vista/2008: 19,968",
         lambda d: find(d, "Diskdump.sys", "x86", "Vista"), version="6.0.6002.22588", size=19968)
    spot("003", "the last block (no final newline): Update.mum of ia64 Windows 2008 R2, 1,690",
         lambda d: [f for f in d["files"] if f["name"] == "Update.mum"][-1], size=1690,
         date="2011-01-17", time="08:49", arch="ia64", kind="additional")
    spot("003", "Amd64 diskdump manifest 6.0.6002.22588: 3,023 bytes, arch amd64",
         lambda d: find(d, "Amd64_microsoft-windows-diskdump_31bf3856ad364e35_6.0.6002.22588_none_"
                           "c4fe707d66212d52.manifest"), size=3023, arch="amd64", package_arch="amd64")
    # 004: fixed width; the x86 table has no platform column
    spot("004", "Netcfgx.dll x86 (no platform column): 781,312, arch from the heading",
         lambda d: find(d, "Netcfgx.dll", None, "x86"), version="5.2.3790.2520", size=781312,
         platform=None, arch="x86", date="2005-08-31", time="03:08")
    spot("004", "Wnetcfgx.dll x86 under the Itanium heading: an x86 part of an ia64 package",
         lambda d: find(d, "Wnetcfgx.dll", None, "Itanium"), platform="x86", arch="x86",
         package_arch="ia64", size=781312)
    spot("004", "Netcfgx.dll IA-64 2,104,320", lambda d: find(d, "Netcfgx.dll", "IA-64"), size=2104320)

    # ---- one row mangled in a copy: the error names its line ----
    def mangle(key, old, new, why):
        if key not in docs:
            t.skip("%s with a mangled row" % key, "the seed is absent")
            return
        text = open(docs[key][0], encoding="utf-8").read()
        lines = text.split("\n")
        at = [i for i, l in enumerate(lines) if old in l]
        if len(at) != 1:
            t.ok(False, "%s: the row to mangle is there once" % key, "%r: %d times" % (old, len(at)))
            return
        lines[at[0]] = lines[at[0]].replace(old, new)
        p = os.path.join(work, "mangled-%s.txt" % key)
        open(p, "w", encoding="utf-8").write("\n".join(lines))
        rc, out, err = mumtool("expect", "parse", p)
        t.ok(rc == 3 and out == "" and ("%s:%d: " % (p, at[0] + 1)) in err and why in err,
             "%s with %r made %r: exit 3, '%s:%d: ...%s'" % (key, old, new, os.path.basename(p),
                                                               at[0] + 1, why), err)

    mangle("001", "Tcpip.sys6.0.6001.222221,419,83215-Jul-200806:38x64",
           "Tcpip.sys6.0.6001.222221,419,83215-Jux-200806:38x64", "no date dd-Mon-yyyy")
    mangle("001", "Bfe.dll6.0.6001.22222781,31215-Jul-200804:21IA-64",
           "Bfe.dll6.0.6001.22222781,31215-Jul-200804:21IA-65", "no platform")
    mangle("001", "File size127,634", "File size127,63x", "File size is not a number of bytes")
    mangle("002", "Exifs.sys 6.5.7651.47 196,288", "Exifs.sys 6.5.7651.47 196,2888", "fits no layout")
    mangle("004", "5.2.3790.2520   2,104,320  Netcfgx.dll", "5.2.3790.2520   Netcfgx.dll",
           "no size after the version")

    # ---- the committed sample is what the article gives ----
    if "001" in docs:
        rc, tsv, err = mumtool("expect", "parse", "--format", "tsv", docs["001"][0])
        t.ok(rc == 0 and tsv == open(SAMPLE).read(),
             "samples/kb943650.expect.tsv is 'expect parse --format tsv' of the KB943650 article", err)
        sample_text = open(SAMPLE).read()
        t.ok("Symptoms" not in sample_text and "Microsoft" not in sample_text,
             "samples/kb943650.expect.tsv holds the facts, none of the article's prose")
    else:
        t.skip("samples/kb943650.expect.tsv is what the article gives", "the KB943650 seed is absent")

    # ---- several articles make one table ----
    if "000" in docs and "004" in docs:
        rc, doc, err = parse(docs["000"][0], docs["004"][0])
        t.ok(rc == 0 and len(doc["files"]) == 8 and [s["kb"] for s in doc["sources"]] ==
             ["909665", "907019"], "two articles: one table of 3 + 5 rows, two sources", err)
finally:
    shutil.rmtree(work, ignore_errors=True)
t.done()
