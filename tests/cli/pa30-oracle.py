#!/usr/bin/env python3
"""The independent PA30 writer and reader of tests/tools/pa30write.py, the
oracle the C decoder's tests are built on, checked against Microsoft's own
deltas: the reader decodes the RAW deltas of MUM_REALDATA/pa30 (made by
msdelta.dll) to their targets byte for byte, and the largest DCM manifest to
its XML; the writer re-encodes those targets (simple and composite formats,
one and several segments) into deltas the reader, and libmum's decoder
(tests/tools/delta-apply), decode back; every slot of
the offset coding round-trips.  The real data is skipped when absent."""
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, realdata, srcdir  # noqa: E402

sys.path.insert(0, os.path.join(srcdir(), "tests", "tools"))
import pa30write as P  # noqa: E402

t = Tap()
pa = os.path.join(realdata(), "pa30")


def read(*p):
    with open(os.path.join(pa, *p), "rb") as f:
        return f.read()


RAW = [("cmd__to__where__raw.pa30", "sources_where.exe"),
       ("cmd__to__notepad__raw.pa30", "sources_notepad.exe"),
       ("cmd__to__notepad__raw_flag0x20000.pa30", "sources_notepad.exe"),
       ("cmd__to__notepad__raw_bsdiff_flag0x100.pa30", "sources_notepad.exe")]
if not os.path.isdir(os.path.join(pa, "raw")):
    t.skip("the reader on msdelta.dll's RAW deltas", "MUM_REALDATA (%s) has no pa30/raw" % realdata())
else:
    src = read("sources_cmd.exe")
    for name, tgt in RAW:
        want = read(tgt)
        try:
            got = P.decode(src, read("raw", name))
            err = ""
        except P.FormatError as e:
            got, err = None, str(e)
        t.ok(got == want, "reader: %s gives %s byte for byte" % (name, tgt), err)
    helper = os.path.join(os.environ.get("MUM_BUILDDIR", "."), "tests", "tools", "delta-apply")
    tmp = tempfile.mkdtemp(prefix="pa30-oracle.")
    for name in ("sources_where.exe", "sources_notepad.exe"):
        want = read(name)
        for simple, segs in ((True, 1), (False, 1), (False, 4)):
            d, _ = P.make_delta(src, target=want, simple=simple, segments=segs)
            got = P.decode(src, d)
            what = "cmd.exe -> %s, %s, %d segment(s), %d bytes" % (
                name, "simple" if simple else "composite", segs, len(d))
            t.ok(got == want, "writer: %s: the reader decodes it back" % what)
            # and libmum's decoder, when built
            if not os.path.exists(helper):
                t.skip("writer: %s: libmum decodes it" % what, "no %s" % helper)
                continue
            with open(os.path.join(tmp, "d.pa30"), "wb") as f:
                f.write(d)
            out = os.path.join(tmp, "out")
            r = subprocess.run([helper, os.path.join(pa, "sources_cmd.exe"), f.name, out],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
            same = r.returncode == 0 and open(out, "rb").read() == want
            t.ok(same, "writer: %s: libmum decodes it" % what, r.stdout)
    shutil.rmtree(tmp)
    dcm = [n for n in os.listdir(os.path.join(pa, "dcm")) if n.endswith(".manifest.xml")]
    for x in dcm:
        m = read("dcm", x[:-4])
        got = P.decode(read("dcm", "base_manifest.bin"), m[4:])
        t.ok(m[:4] == b"DCM\x01" and got == read("dcm", x), "reader: the DCM manifest %s gives its XML" % x[:40])

# every offset slot, every length form, literals, overlapping matches
rng = random.Random(21)
src = bytes(rng.randrange(256) for _ in range(4096)) * 80
ops = [("lit", b"ab"), ("match", "dist", 1, 5), ("match", "dist", 2, 3), ("match", "dist", 3, 9),
       ("copy", 10, 300000), ("match", "lru", 0, 4), ("match", "lru", 1, 4), ("match", "lru", 2, 4),
       ("match", "signed", -100, 20), ("match", "signed", 0x3000, 7), ("match", "signed", -0x3000, 7),
       ("match", "signed", 0x9fff, 8), ("match", "signed", -0xa000, 9),
       ("match", "signed", 0x29fff, 264), ("match", "signed", -0x2a000, 265)]
ops += [("match", "dist", d, 10) for d in (4, 5, 7, 8, 15, 16, 31, 32, 63, 64, 65, 100, 1000, 4095,
                                           70000, 1 << 17, (1 << 18) + 5, 299999)]
ops += [("match", "source", 0, 1000), ("lit", bytes(range(256))), ("match", "dist", 1, 100000)]
for simple in (True, False):
    d, want = P.make_delta(src, ops=ops, simple=simple, segments=2)
    st = {}
    got = P.decode(src, d, stats=st)
    t.ok(got == want and all(st["slots"][k] for k in range(8)),
         "writer: every offset class and length form round-trips (%s)" % ("simple" if simple else "composite"))
t.done()
