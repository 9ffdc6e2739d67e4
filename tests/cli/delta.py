#!/usr/bin/env python3
"""mumtool delta and DCM manifests (TAP), against the genuine deltas of
$MUM_REALDATA/pa30 (made by Windows' msdelta.dll; README.md there):

  - delta info: text and JSON (valid against schemas/delta-info.schema.json)
    of the RAW, PE and DCM deltas: file type, flags with their names,
    target size; a file that is not a delta is exit 3;
  - delta apply: the RAW deltas give their targets byte for byte; a
    truncated or bit-flipped copy (made here) is exit 1 with the offset in
    the message and leaves neither OUT nor a temporary; an existing OUT is
    refused without --force; PE deltas are refused as not supported yet;
    '-' for standard input and output;
  - DCM manifests: decoded with dcm/base_manifest.bin, the XML's identity
    gives back the file's own keyform (mumtool name key), the largest is
    its .manifest.xml exactly; show --base-manifest prints a DCM manifest
    as it prints that XML; verify, graph and diff of a folder of them read
    them with --base-manifest (no graph.delta-manifest) and without it end
    with one note naming the option;
  - a delta with a target hash (made here by tests/tools/pa30write.py, the
    independent writer, when the tree has it): info shows the MD5, apply
    checks it and a source that gives another target is exit 1, no OUT;
  - --wcp: the same from a wcp.dll built here (samples/gen/pe.py) holding
    base_manifest.bin as its resource 614/1; a DLL without it, or with a
    damaged resource directory, is exit 3 naming it.
"""
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, mumtool_json, realdata, srcdir  # noqa: E402

t = Tap()
P = os.path.join(realdata(), "pa30")
if not os.path.isdir(os.path.join(P, "raw")) or not os.path.isdir(os.path.join(P, "dcm")):
    t.skip("mumtool delta and DCM manifests", "no pa30/ under %s (set MUM_REALDATA)" % realdata())
    t.done()
try:
    import jsonschema
except ImportError:
    jsonschema = None

SCHEMA = json.load(open(os.path.join(srcdir(), "schemas", "delta-info.schema.json")))
CMD = os.path.join(P, "sources_cmd.exe")
RAW = {  # delta: (source, target, flags)
    "cmd__to__where__raw.pa30": (CMD, "sources_where.exe", 0),
    "cmd__to__notepad__raw.pa30": (CMD, "sources_notepad.exe", 0),
    "cmd__to__notepad__raw_flag0x20000.pa30": (CMD, "sources_notepad.exe", 0x20000),
    "cmd__to__notepad__raw_bsdiff_flag0x100.pa30": (CMD, "sources_notepad.exe", 0x100),
}
PE = {
    "cmd__to__cmd_patched.pa30": "sources_cmd.exe",
    "advapi32_old__to__advapi32_new.pa30": "sources_advapi32_old.dll",
}
PE_TARGET = {
    "cmd__to__cmd_patched.pa30": "sources_cmd_patched.exe",
    "advapi32_old__to__advapi32_new.pa30": "sources_advapi32_new.dll",
}
DCM_DIR = os.path.join(P, "dcm")
BASE = os.path.join(DCM_DIR, "base_manifest.bin")
DCMS = sorted(glob.glob(os.path.join(DCM_DIR, "*.manifest")))
OFFSET = re.compile(r"(offset|byte) \d+")
NOTE = "--base-manifest"


def valid(doc):
    """'' when doc validates against the schema (or jsonschema is absent), else why."""
    if not jsonschema:
        return ""
    try:
        jsonschema.validate(doc, SCHEMA)
        return ""
    except jsonschema.ValidationError as e:
        return str(e)[:1500]


def leftovers(folder):
    return [n for n in os.listdir(folder) if ".mumtool-partial-" in n]


def notes(err):
    return [line for line in err.splitlines() if line.startswith("mumtool: note:")]


work = tempfile.mkdtemp(prefix="mum-delta-")
env_base = os.environ.pop("MUM_BASE_MANIFEST", None)  # the runs below say what they use
try:
    # ---- delta info ----------------------------------------------------------------
    for name, (_, target, flags) in sorted(RAW.items()):
        path = os.path.join(P, "raw", name)
        rc, doc, err = mumtool_json("delta", "info", "--format", "json", path)
        h = doc[0] if doc else {}
        want_names = {0: [], 0x20000: ["DELTA_FLAG_IGNORE_FILE_SIZE_LIMIT"],
                      0x100: ["DELTA_FLAG_I386_CALLS"]}[flags]
        t.ok(rc == 0 and h.get("container") == "pa30" and h.get("version") == 30 and
             h.get("fileType") == 1 and h.get("fileTypeName") == "raw" and
             h.get("flags") == flags and h.get("flagsHex") == "0x%x" % flags and
             h.get("flagNames") == want_names and h.get("unknownFlagsHex") is None and
             h.get("targetSize") == os.path.getsize(os.path.join(P, target)) and
             re.match(r"^20\d\d-", h.get("targetFileTime") or ""),
             "delta info --format json %s: PA30, raw, flags 0x%x, the target's size" % (name, flags),
             "exit %d %s %s" % (rc, h, err))
        why = valid(doc)
        t.ok(not why, "delta info --format json %s: valid against schemas/delta-info.schema.json" % name,
             why)
        rc, out, err = mumtool("delta", "info", path)
        t.ok(rc == 0 and re.search(r"^  file type +raw \(0x1\)$", out, re.M) and
             re.search(r"^  flags +0x%x%s$" % (flags, "".join(" " + n for n in want_names)), out, re.M) and
             re.search(r"^  version +30$", out, re.M),
             "delta info %s: the file type and the flags by name, as text" % name, "exit %d\n%s%s" % (rc, out, err))

    pes = [os.path.join(P, "pe", n) for n in sorted(PE)]
    rc, doc, err = mumtool_json("delta", "info", "--json", *pes)
    amd64 = ["DELTA_FLAG_MARK", "DELTA_FLAG_IMPORTS", "DELTA_FLAG_EXPORTS", "DELTA_FLAG_RESOURCES",
             "DELTA_FLAG_RELOCS", "DELTA_FLAG_AMD64_DISASM", "DELTA_FLAG_AMD64_PDATA",
             "DELTA_FLAG_UNBIND", "DELTA_FLAG_CLI_DISASM", "DELTA_FLAG_CLI_METADATA"]
    t.ok(rc == 0 and doc and len(doc) == 2 and
         all(h["fileTypeName"] == "amd64" and h["fileType"] == 8 and h["flagsHex"] == "0xe63e" and
             h["flagNames"] == amd64 and h["preprocessSize"] > 0 for h in doc) and not valid(doc),
         "delta info --json of the PE deltas: amd64, flags 0xe63e by name, preprocessing data, valid",
         "exit %d %s %s %s" % (rc, doc, err, valid(doc)))
    rc, out, err = mumtool("delta", "info", pes[0])
    t.ok(rc == 0 and "file type        amd64 (0x8)" in out and
         "0xe63e DELTA_FLAG_MARK DELTA_FLAG_IMPORTS" in out,
         "delta info of a PE delta as text: amd64, 0xe63e with the names", out + err)

    rc, doc, err = mumtool_json("delta", "info", "--json", *DCMS)
    t.ok(rc == 0 and doc and len(doc) == len(DCMS) == 4 and
         all(h["container"] == "dcm" and h["fileTypeName"] == "raw" and h["flagsHex"] == "0x20000"
             for h in doc) and not valid(doc),
         "delta info --json of the four DCM manifests: dcm, raw, flags 0x20000, valid",
         "exit %d %s %s %s" % (rc, doc, err, valid(doc)))
    rc, out, err = mumtool("delta", "info", DCMS[0])
    t.ok(rc == 0 and out.startswith(DCMS[0] + ": DCM wrapper") and "PA30" in out.splitlines()[0],
         "delta info of a DCM manifest as text: a DCM wrapper around its PA30 header", out + err)

    rc, doc, err = mumtool_json("delta", "info", "--json", CMD, DCMS[0])
    t.ok(rc == 3 and doc and "error" in doc[0] and doc[1].get("container") == "dcm" and
         CMD in err and not valid(doc),
         "delta info of a file that is not a delta: an error object (valid), the others shown, exit 3",
         "exit %d %s %s" % (rc, doc, err))

    # ---- delta apply ------------------------------------------------------------------
    for name, (src, target, _) in sorted(RAW.items()):
        d = os.path.join(work, "apply-" + name)
        os.mkdir(d)
        out = os.path.join(d, "target")
        rc, _, err = mumtool("delta", "apply", src, os.path.join(P, "raw", name), "-o", out)
        same = os.path.exists(out) and open(out, "rb").read() == open(os.path.join(P, target), "rb").read()
        t.ok(rc == 0 and same and not leftovers(d),
             "delta apply %s: %s byte for byte, no temporary left" % (name, target), "exit %d %s" % (rc, err))

    where = os.path.join(P, "raw", "cmd__to__where__raw.pa30")
    data = open(where, "rb").read()
    bad = {"truncated at half": data[:len(data) // 2], "truncated in the header": data[:10]}
    for off in (30, 60, 1000):  # in the code-length tables and in the body: no prefix code, a match too long
        b = bytearray(data)
        b[off] ^= 0x01
        bad["a bit flipped at byte %d" % off] = bytes(b)
    for label, blob in sorted(bad.items()):
        d = os.path.join(work, "bad-%s" % label.replace(" ", "-"))
        os.mkdir(d)
        delta = os.path.join(work, "bad-%s.pa30" % label.replace(" ", "-"))
        open(delta, "wb").write(blob)
        out = os.path.join(d, "target")
        rc, _, err = mumtool("delta", "apply", CMD, delta, "-o", out)
        t.ok(rc == 1 and OFFSET.search(err) and delta in err and not os.path.exists(out) and
             not leftovers(d),
             "delta apply of a copy %s: exit 1, the offset in the message, no OUT, no temporary" % label,
             "exit %d %s %s" % (rc, err, os.listdir(d)))

    d = os.path.join(work, "exists")
    os.mkdir(d)
    out = os.path.join(d, "target")
    open(out, "wb").write(b"keep me")
    rc, _, err = mumtool("delta", "apply", CMD, where, "-o", out)
    t.ok(rc == 3 and "exists" in err and "--force" in err and open(out, "rb").read() == b"keep me" and
         not leftovers(d),
         "delta apply over an existing OUT: refused (exit 3), the file untouched", "exit %d %s" % (rc, err))
    rc, _, err = mumtool("delta", "apply", "--force", CMD, where, "-o", out)
    t.ok(rc == 0 and open(out, "rb").read() == open(os.path.join(P, "sources_where.exe"), "rb").read() and
         not leftovers(d),
         "delta apply --force over an existing OUT: replaced by the target", "exit %d %s" % (rc, err))

    for name, src in sorted(PE.items()):
        d = os.path.join(work, "pe-" + name)
        os.mkdir(d)
        out = os.path.join(d, "target")
        rc, _, err = mumtool("delta", "apply", os.path.join(P, src), os.path.join(P, "pe", name), "-o", out)
        t.ok(rc == 0 and os.path.exists(out) and
             open(out, "rb").read() == open(os.path.join(P, PE_TARGET[name]), "rb").read() and
             not leftovers(d),
             "delta apply of the PE delta %s: its target byte for byte" % name,
             "exit %d %s" % (rc, err))

    rc, _, err = mumtool("delta", "apply", CMD, "-", "-o", os.path.join(work, "stdin.out"), stdin=data)
    t.ok(rc == 0 and open(os.path.join(work, "stdin.out"), "rb").read() ==
         open(os.path.join(P, "sources_where.exe"), "rb").read(),
         "delta apply with the delta on standard input ('-')", err)
    r = subprocess.run([os.environ["MUMTOOL"], "delta", "apply", CMD, where, "-o", "-"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t.ok(r.returncode == 0 and r.stdout == open(os.path.join(P, "sources_where.exe"), "rb").read(),
         "delta apply -o -: the target on standard output", r.stderr.decode("utf-8", "replace"))
    rc, _, err = mumtool("delta", "apply", "-", "-", "-o", os.path.join(work, "x"))
    rc2, _, err2 = mumtool("delta", "apply", CMD, where)
    rc3, _, err3 = mumtool("delta", "frobnicate")
    t.ok(rc == 2 and rc2 == 2 and "-o" in err2 and rc3 == 2,
         "delta: '-' twice, no -o, an unknown subcommand: usage errors (exit 2)",
         "%d %s / %d %s / %d %s" % (rc, err, rc2, err2, rc3, err3))

    # ---- a delta that carries its target's hash ------------------------------------
    writer = os.path.join(srcdir(), "tests", "tools", "pa30write.py")
    if not os.path.exists(writer):
        t.skip("delta info and apply of a delta with a target hash", "no tests/tools/pa30write.py")
    else:
        import hashlib
        src = b"".join(b"line %05d of the source\n" % i for i in range(3000))
        tgt = src.replace(b"line 01", b"LINE 01")
        sp, tp, hp = (os.path.join(work, n) for n in ("h-source", "h-target", "h.pa30"))
        open(sp, "wb").write(src)
        open(tp, "wb").write(tgt)
        r = subprocess.run([sys.executable, writer, "encode", sp, tp, hp, "--hash", "md5"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rc, doc, err = mumtool_json("delta", "info", "--json", hp)
        h = (doc[0] if doc else {}).get("hash") or {}
        t.ok(r.returncode == 0 and rc == 0 and h.get("algId") == 0x8003 and
             h.get("algorithm") == "md5" and h.get("value") == hashlib.md5(tgt).hexdigest() and
             not valid(doc),
             "delta info of a delta with an MD5: the algorithm and the value",
             "%s %s %s" % (r.stderr, doc, err))
        d = os.path.join(work, "hash")
        os.mkdir(d)
        out = os.path.join(d, "target")
        rc, _, err = mumtool("delta", "apply", sp, hp, "-o", out)
        t.ok(rc == 0 and open(out, "rb").read() == tgt, "delta apply of it: the target", err)
        other = os.path.join(work, "h-other")
        open(other, "wb").write(src.replace(b"of the", b"OF THE"))
        out2 = os.path.join(d, "target2")
        rc, _, err = mumtool("delta", "apply", other, hp, "-o", out2)
        t.ok(rc == 1 and "md5" in err and hashlib.md5(tgt).hexdigest() in err and
             not os.path.exists(out2) and not leftovers(d),
             "delta apply to another source: the target's hash differs, exit 1, no OUT", err)

    # ---- DCM manifests: decoded, their identity gives back their keyform ---------------
    for dcm in DCMS:
        stem = os.path.basename(dcm)[:-len(".manifest")]
        out = os.path.join(work, stem + ".xml")
        rc, _, err = mumtool("delta", "apply", BASE, dcm, "-o", out)
        key = None
        if rc == 0:
            ident = ET.parse(out).getroot().find("{urn:schemas-microsoft-com:asm.v3}assemblyIdentity")
            attrs = ["%s=%s" % kv for kv in sorted(ident.attrib.items())] if ident is not None else []
            krc, kout, kerr = mumtool("name", "key", *attrs)
            key = kout.strip() if krc == 0 else "exit %d %s" % (krc, kerr)
        short = stem if len(stem) < 60 else stem[:57] + "..."
        t.ok(rc == 0 and key == stem,
             "DCM %s decoded with base_manifest.bin: its identity's keyform is its name" % short,
             "exit %d %s; keyform %s" % (rc, err, key))
    largest = max(DCMS, key=os.path.getsize)
    xml = largest + ".xml"
    dec = os.path.join(work, os.path.basename(largest)[:-len(".manifest")] + ".xml")
    t.ok(os.path.exists(xml) and os.path.exists(dec) and open(dec, "rb").read() == open(xml, "rb").read(),
         "the largest DCM manifest decodes to its .manifest.xml exactly")

    # show --base-manifest prints a DCM manifest as it prints its XML
    plain = os.path.join(work, "plain")
    os.mkdir(plain)
    shutil.copy(xml, os.path.join(plain, os.path.basename(largest)))
    for fmt in ("text", "json"):
        cwd = os.getcwd()
        try:
            os.chdir(plain)
            rc1, out1, err1 = mumtool("show", "--format", fmt, os.path.basename(largest))
            os.chdir(DCM_DIR)
            rc2, out2, err2 = mumtool("show", "--format", fmt, "--base-manifest", BASE,
                                      os.path.basename(largest))
        finally:
            os.chdir(cwd)
        t.ok(rc1 == rc2 == 0 and out1 == out2 and "OneCoreUAPCommonProxyStub" in out1,
             "show --base-manifest --format %s of the largest DCM manifest: what show prints of its XML" % fmt,
             "exit %d/%d %s %s\n%s" % (rc1, rc2, err1, err2, out2[:500]))
    rc, out, err = mumtool("show", "--base-manifest", BASE, *DCMS)
    t.ok(rc == 0 and out.count("component manifest") == 4 and not notes(err),
         "show --base-manifest of the four DCM manifests: four component manifests, exit 0", err)
    env = dict(os.environ, MUM_BASE_MANIFEST=BASE)
    r = subprocess.run([os.environ["MUMTOOL"], "show", DCMS[0]], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    t.ok(r.returncode == 0 and b"component manifest" in r.stdout,
         "show with MUM_BASE_MANIFEST reads a DCM manifest", r.stderr.decode("utf-8", "replace"))
    rc, out, err = mumtool("show", *DCMS)
    t.ok(rc == 3 and len(notes(err)) == 1 and NOTE in notes(err)[0] and "4 manifests" in notes(err)[0],
         "show of the four DCM manifests without a base: exit 3 and one note naming --base-manifest", err)
    rc, out, err = mumtool("show", "--base-manifest", os.path.join(work, "absent.bin"), DCMS[0])
    t.ok(rc == 3 and "absent.bin" in err and "base manifest" in err,
         "show --base-manifest of a file that does not exist: exit 3, named", err)
    rc, out, err = mumtool("show", "--base-manifest", os.path.join(P, "sources_where.exe"), DCMS[0])
    t.ok(rc == 3 and DCMS[0] in err and "component manifest" not in out,
         "show --base-manifest of another file: the DCM manifest does not read (exit 3, named)", err)

    # verify, graph and diff of a folder holding them
    folder = os.path.join(work, "dcm-folder")
    os.mkdir(folder)
    for dcm in DCMS:
        shutil.copy(dcm, folder)
    rc, rep, err = mumtool_json("verify", "--format", "json", "--base-manifest", BASE, folder)
    rules = [f["rule"] for f in rep["findings"]] if rep else []
    t.ok(rep is not None and "graph.delta-manifest" not in rules and not notes(err) and
         "manifest.unknown-element" in rules,
         "verify --base-manifest of a folder of DCM manifests: read (their own findings), no "
         "graph.delta-manifest, no note", "exit %d %s %s" % (rc, sorted(set(rules)), err))
    rc, rep, err = mumtool_json("verify", "--format", "json", folder)
    rules = [f["rule"] for f in rep["findings"]] if rep else []
    t.ok(rep is not None and rules.count("graph.delta-manifest") == 4 and len(notes(err)) == 1 and
         NOTE in notes(err)[0],
         "verify of a folder of DCM manifests without a base: graph.delta-manifest for each, one note",
         "exit %d %s %s" % (rc, rules, err))
    rc, g, err = mumtool_json("graph", "--format", "json", "--base-manifest", BASE, folder)
    rc2, g2, err2 = mumtool_json("graph", "--format", "json", folder)
    read = [n for n in g["nodes"] if n.get("identity")] if g else []
    unread = [n for n in g2["nodes"] if n.get("identity")] if g2 else []
    t.ok(rc == 0 and len(read) == 4 and not notes(err) and rc2 == 0 and not unread and
         len(notes(err2)) == 1 and NOTE in notes(err2)[0],
         "graph of the folder: with --base-manifest the manifests are in it, without it one note",
         "%s\n%s" % (err, err2))
    rc, out, err = mumtool("diff", "--base-manifest", BASE, folder, folder)
    rc2, out2, err2 = mumtool("diff", folder, folder)
    t.ok(rc == 0 and not notes(err) and rc2 == 0 and len(notes(err2)) == 1 and "8 manifests" in err2,
         "diff of the folder with itself: no note with --base-manifest, one (for both sides) without",
         "%d %s\n%d %s" % (rc, err, rc2, err2))

    # --wcp: the base manifest inside a wcp.dll (generated here: the resource
    # type 614, name 1 public tools load it from)
    sys.path.insert(0, os.path.join(srcdir(), "samples", "gen"))
    import pe as pegen
    base_bytes = open(BASE, "rb").read()
    wcp = os.path.join(work, "wcp.dll")
    open(wcp, "wb").write(pegen.make_pe("amd64", "wcp.dll", "10.0.26100.1", "wcp",
                                        resource=(614, 1, base_bytes)))
    rc1, out1, err1 = mumtool("show", "--base-manifest", BASE, *DCMS)
    rc2, out2, err2 = mumtool("show", "--wcp", wcp, *DCMS)
    t.ok(rc1 == rc2 == 0 and out1 == out2 and out2.count("component manifest") == 4,
         "show --wcp wcp.dll (a generated PE whose resource 614/1 is the base): as --base-manifest",
         "%d %d %s %s" % (rc1, rc2, err1, err2))
    rc, rep, err = mumtool_json("verify", "--format", "json", "--wcp", wcp, folder)
    rules = [f["rule"] for f in rep["findings"]] if rep else []
    t.ok(rep is not None and "graph.delta-manifest" not in rules and not notes(err),
         "verify --wcp of the folder: the DCM manifests are read", "exit %d %s" % (rc, err))
    other = os.path.join(work, "other.dll")
    open(other, "wb").write(pegen.make_pe("amd64", "other.dll", "1.0.0.0", "no base"))
    rc, out, err = mumtool("show", "--wcp", other, DCMS[0])
    t.ok(rc == 3 and other in err and "614" in err and not out,
         "show --wcp of a DLL without the resource: exit 3, naming the DLL and the resource", err)
    bad = bytearray(open(wcp, "rb").read())
    at = bytes(bad).find(struct.pack("<II", 614, 0x80000018))  # the root entry: type 614 -> names
    t.ok(at > 0, "the generated wcp.dll holds the resource type 614 entry")
    struct.pack_into("<I", bad, at + 4, 0x80000000 | 0x7ffffff0)
    damaged = os.path.join(work, "damaged.dll")
    open(damaged, "wb").write(bytes(bad))
    rc, out, err = mumtool("show", "--wcp", damaged, DCMS[0])
    t.ok(rc == 3 and damaged in err and OFFSET.search(err) and not out,
         "show --wcp of a DLL whose resource directory points outside it: exit 3, named, an offset", err)
    rc, out, err = mumtool("show", "--wcp", wcp, "--base-manifest", BASE, DCMS[0])
    t.ok(rc == 2 and "not both" in err, "--wcp and --base-manifest together: a usage error", err)
finally:
    if env_base is not None:
        os.environ["MUM_BASE_MANIFEST"] = env_base
    shutil.rmtree(work, ignore_errors=True)
t.done()
