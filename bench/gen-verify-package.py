#!/usr/bin/env python3
"""Generates the large VALID package that bench/verify.sh times `mumtool
verify` on: one signed update cabinet holding tens of thousands of component
manifests and hundreds of MiB of payload, with .mum packages and one signed
catalog per package covering every member, as samples/gen/generate.py makes
the KB943650 samples (whose modules it imports: model, pe, xmlgen and the
Builder that writes manifests, catalogs and cabinets).

    bench/gen-verify-package.py --out FILE.cab --mumtool PATH
        [--manifests 20000] [--payload-mb 300] [--packages 20] [--seed 1]
        [--time-shift 0]

Shape (deterministic for given arguments):
  - one visible top-level package pulls --packages leaf packages; each leaf
    package installs its share of the deployments (one update each);
  - one deployment manifest in ten, each pulling (install dependency) the
    nine component manifests that follow it: --manifests manifests in all;
  - three component manifests in four carry files (one to three), so the
    cabinet holds about 1.6 entries per manifest (gcab 1.5 is quadratic in
    the file count and corrupt past 65535 files or 2 GiB: DOMAIN.md
    section 9, the caller checks the entry count with bsdtar);
  - payloads: about 60 % PE images (samples/gen/pe.py, their last section
    padded out to the drawn size), the rest plain data files; sizes drawn
    log-normally around a few tens of KB, with a handful of large files
    (the largest a few tens of MB), scaled to total --payload-mb MiB; contents
    half random, half repetitive (about 2:1 under MSZIP, like binaries);
  - one catalog per package (v1, SHA-1, PE files by Authenticode digest)
    listing the .mum, the manifests it reaches and their payloads, signed by
    the throwaway test signer of samples/keys; the cabinet is signed too.

`mumtool verify --trust samples/test-ca.pem FILE.cab` must report no errors.
--time-shift N moves the catalogs' and the cabinet's signing times and the
files' times N seconds on: packages made with different N hold the same
identities (one call verifies them without a finding) but every signature
signs different bytes, so no verification of one serves another (small
packages: bench/verify.sh's 1 000 are copies of one).
The staging folder is a temporary folder removed at the end.

    bench/gen-verify-package.py --out PLAIN.cab --express EXPRESS.cab ...

writes, from the same staging, an express (IPD) cabinet as well: the
same .mum, manifests and catalogs stored as they are, every payload as a
PA30 delta against nothing (blobs named 0, 1, ..., written by the
independent writer tests/tools/pa30write.py), and _manifest_.cix.xml
mapping each file to its blob with the file's SHA-256 (DOMAIN.md section
5): verify rebuilds every payload from its delta and checks it as it
checks the plain package's.  With --express the payloads' filler is made
of matches into the file's own first KiB and earlier bytes (runs of 64 to
512 bytes) with 1 to 8 literal bytes between them, which the writer
turns into a delta without searching (a search in Python over hundreds
of MiB would take hours); the plain cabinet holds the same bytes.
"""

import argparse
import hashlib
import math
import os
import random
import resource
import shutil
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(os.path.dirname(HERE), "samples", "gen")
sys.path.insert(0, GEN)

import generate  # noqa: E402  (puts samples/gen and tools on the path)
import model  # noqa: E402
import pe  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "tools"))
import pa30write as P  # noqa: E402

KB_NAME = "999999"
ARCH = "amd64"
VERSION = "6.1.7601.24000"
WORDS = ["Networking", "Tcpip", "Shell", "Kernel", "Security", "Bridge", "Driver", "Registry",
         "Servicing", "Graphics", "Media", "Audio", "Storage", "Print", "Crypto", "Font",
         "Search", "Sync", "Remote", "Desktop", "Input", "Power", "Telemetry", "Update"]
PE_EXT = [".dll", ".dll", ".dll", ".sys", ".exe"]
DATA_EXT = [".mui", ".dat", ".mof", ".inf", ".tlb", ".ttf"]
BIG_MB = [40, 24, 16, 12, 8, 6, 4, 3, 2, 2]  # the largest payloads (MB), as far as the total allows


def filler(rng, size):
    """size bytes, half random and half repetitive code-like text per 4 KiB page."""
    text = b"".join(b"mov eax, [ebp+%02x]; call sub_%04x; " % (j & 0xFF, j * 7 & 0xFFFF)
                    for j in range(120))[:2048]
    out = bytearray()
    while len(out) < size:
        out += rng.randbytes(2048)
        out += text
    return bytes(out[:size])


class DeltaFill:
    """Filler made of the operations of a delta (express mode): a first KiB
    of random bytes, then matches 64 to 512 bytes long from anywhere
    before, with 1 to 8 random bytes between them.  Keeps the operations
    of each filler it makes, by its bytes' identity, for delta()."""

    def __init__(self, rng):
        self.rng = rng
        self.ops = {}

    def __call__(self, rng, size):
        r = self.rng
        first = min(size, 1024)
        ops = [("lit", r.randbytes(first))]
        pos = first
        while pos < size:
            k = min(r.randrange(64, 513), size - pos)
            if k >= 2:
                ops.append(("copy", r.randrange(0, pos - 1), k) if pos > k and r.random() < 0.5
                           else ("copy", r.randrange(max(0, pos - 4096), pos), k))
                pos += k
            n = min(r.randrange(1, 9), size - pos)
            if n > 0:
                ops.append(("lit", r.randbytes(n)))
                pos += n
        _, data = P.plan(b"", ops)
        self.ops[data] = ops
        return data

    def delta(self, data):
        """A PA30 delta (RAW, against nothing, no hash) of a file that ends
        with a filler made here: its head as literals, then the filler's
        operations moved past the head."""
        ops = None
        for tail_len in self.lengths(data):
            ops = self.ops.get(data[len(data) - tail_len:])
            if ops is not None:
                break
        head = data[:len(data) - tail_len] if ops is not None else data
        moved = [("lit", head)] if head else []
        for op in ops or []:
            moved.append(op if op[0] == "lit" else ("copy", op[1] + len(head), op[2]))
        syms, target = P.plan(b"", moved)
        assert target == data
        body = P.encode_body(syms, 0, segments=max(1, len(data) >> 22))
        w = P.make_header(len(data), P.HASH_NONE, b"")
        w.buffer(b"")
        w.buffer(body)
        return P.MAGIC + bytes(8) + w.finish()

    def lengths(self, data):
        # the fillers made, longest first, that may end this file
        return sorted({len(k) for k in self.ops if len(k) <= len(data)}, reverse=True)


def padded_pe(name, size, rng, fill=None):
    """A PE image of pe.py grown to about `size` bytes: its last section
    (.rsrc) gets filler after the resource data (raw and virtual sizes,
    SizeOfImage and the checksum follow)."""
    fill = fill or filler
    image = bytearray(pe.make_pe(ARCH, name, VERSION, "Benchmark payload " + name))
    e_lfanew = struct.unpack_from("<I", image, 0x3C)[0]
    coff = e_lfanew + 4
    nsect, opt_size = struct.unpack_from("<H", image, coff + 2)[0], struct.unpack_from("<H", image, coff + 16)[0]
    opt = coff + 20
    last = opt + opt_size + (nsect - 1) * 40
    vsize, rva, raw_size, raw_ptr = struct.unpack_from("<IIII", image, last + 8)
    assert raw_ptr + raw_size == len(image)
    extra = max(0, size - len(image))
    extra = (extra + pe.FILE_ALIGN - 1) // pe.FILE_ALIGN * pe.FILE_ALIGN
    if extra == 0:
        return bytes(image)
    # the resource data end inside the raw data; the filler follows them
    image[raw_ptr + vsize:] = fill(rng, raw_size + extra - vsize)
    vsize += raw_size + extra - vsize
    raw_size += extra
    struct.pack_into("<II", image, last + 8, vsize, rva)
    struct.pack_into("<I", image, last + 16, raw_size)
    init = struct.unpack_from("<I", image, opt + 8)[0]
    struct.pack_into("<I", image, opt + 8, init + extra)                    # SizeOfInitializedData
    struct.pack_into("<I", image, opt + 56, rva + (vsize + pe.SECT_ALIGN - 1) // pe.SECT_ALIGN
                     * pe.SECT_ALIGN)                                        # SizeOfImage
    struct.pack_into("<I", image, opt + 64, 0)
    struct.pack_into("<I", image, opt + 64, pe._checksum(bytes(image), opt + 64))
    return bytes(image)


def plan_sizes(rng, count, total):
    """count payload sizes summing to about total bytes: the BIG_MB files
    first (while they leave at least half of the total to the rest), then
    log-normal sizes scaled to the remainder."""
    sizes = []
    for mb in BIG_MB:
        if len(sizes) < count // 4 and sum(sizes) + (mb << 20) <= total // 2:
            sizes.append(mb << 20)
    rest = count - len(sizes)
    left = max(0, total - sum(sizes))
    draws = [rng.lognormvariate(math.log(24 << 10), 1.2) for _ in range(rest)]
    scale = left / sum(draws) if draws else 0
    sizes += [max(600, min(int(d * scale), 1 << 20)) for d in draws]
    rng.shuffle(sizes)
    return sizes


class BenchBuilder(generate.Builder):
    """The samples' Builder, with payloads of planned sizes."""

    def __init__(self, mumtool, work, seed, express=False):
        super().__init__(mumtool, work)
        self.planned = {}   # (component name, file name) -> size
        self.rng = random.Random(seed)
        self.fill = DeltaFill(random.Random(seed + 1)) if express else None
        self.time_shift = 0

    def catalog(self, stage, cat_name, members, signer):
        if not self.time_shift:
            return super().catalog(stage, cat_name, members, signer)
        # the samples' Builder signs catalogs at a fixed time: move it
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(generate.FIXED_TIME))
        real = generate.run

        def shifted(cmd, **kw):
            return real([when if c == "2008-07-15T18:03:00Z" else c for c in cmd], **kw)
        generate.run = shifted
        try:
            super().catalog(stage, cat_name, members, signer)
        finally:
            generate.run = real

    def payload(self, fam, comp, fname, desc, pe_arch):
        size = self.planned[(comp.name, fname)]
        if pe_arch:
            return padded_pe(fname, size, self.rng, self.fill)
        return (self.fill or filler)(self.rng, size)


def build_family(args, builder):
    rng = random.Random(args.seed)
    fam = model.Family(ARCH)
    files = []   # (component, file name)
    deployments = []
    for i in range(args.manifests):
        if i % 10 == 0:
            name = hashlib.md5(b"bench-deployment-%d" % i).hexdigest()
            d = model.Component(name, ARCH, VERSION, deployment=True)
            deployments.append(d)
            fam.components.append(d)
            continue
        name = "Microsoft-Windows-%s-%s-%05d" % (rng.choice(WORDS), rng.choice(WORDS), i)
        c = model.Component(name, ARCH, VERSION)
        deployments[-1].deps.append((c.name, c.arch, c.version))
        if rng.random() < 0.75:
            for k in range(rng.choice([1, 1, 1, 2, 3])):
                is_pe = rng.random() < 0.6
                ext = rng.choice(PE_EXT if is_pe else DATA_EXT)
                fname = "bench%05d_%d%s" % (i, k, ext)
                c.files.append((fname, None, ARCH if is_pe else None))
                files.append((c, fname))
        fam.components.append(c)
    sizes = plan_sizes(rng, len(files), args.payload_mb << 20)
    for (c, fname), size in zip(files, sizes):
        builder.planned[(c.name, fname)] = size

    per = (len(deployments) + args.packages - 1) // args.packages
    leaves = []
    for p in range(args.packages):
        mine = deployments[p * per:(p + 1) * per]
        if not mine:
            break
        pkg = model.Package("Package_%d_for_KB%s" % (p + 1, KB_NAME), ARCH)
        for k, d in enumerate(mine):
            pkg.updates.append(("%s-%d_neutral_LDR" % (KB_NAME, p * per + k), "component", d.name,
                                ARCH, VERSION, None))
        leaves.append(pkg)
        fam.packages.append(pkg)
    top = model.Package("Package_for_KB%s" % KB_NAME, ARCH)
    top.visible = True
    top.parents = ["Microsoft-Windows-Foundation-Package"]
    for k, leaf in enumerate(leaves):
        top.updates.append(("%s-%d_neutral_PACKAGE" % (KB_NAME, k + 1), "package", leaf.name, ARCH,
                            model.PACKAGE_VERSION, None))
    fam.packages.append(top)
    return fam, len(files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="the cabinet to write")
    ap.add_argument("--mumtool", required=True, help="the mumtool program (cat create)")
    ap.add_argument("--manifests", type=int, default=20000)
    ap.add_argument("--payload-mb", type=int, default=300)
    ap.add_argument("--packages", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-shift", type=int, default=0, metavar="SECONDS",
                    help="sign and date everything this much later: distinct signatures, same identities")
    ap.add_argument("--express", metavar="FILE.cab",
                    help="also write an express cabinet of the same files (payloads as PA30 deltas)")
    ap.add_argument("--max-files", type=int, default=45000,
                    help="files in one cabinet; past that, a cabinet of nested cabinets (gcab "
                         "takes every name on its command line: Linux caps the arguments at "
                         "6 MiB, about 48 000 of these names)")
    args = ap.parse_args()
    if args.manifests < 1 or args.packages < 1 or args.payload_mb < 1:
        ap.error("--manifests, --packages and --payload-mb must be at least 1")
    if not 100 <= args.max_files <= 65000:
        ap.error("--max-files must be from 100 to 65000 (a cabinet's limit, DOMAIN.md section 9)")
    out = os.path.abspath(args.out)
    # gcab takes every name on its command line: make room (ARG_MAX is a
    # quarter of the stack limit)
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    want = 256 << 20
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_STACK, (want if hard == resource.RLIM_INFINITY
                                                   else min(want, hard), hard))
    with tempfile.TemporaryDirectory(prefix="mum-bench-verify.",
                                     dir=os.path.dirname(out)) as work:
        b = BenchBuilder(os.path.abspath(args.mumtool), work, args.seed, bool(args.express))
        if args.time_shift:
            # read at call time by the Builder's sign() and file times
            generate.FIXED_TIME += args.time_shift
            b.time_shift = args.time_shift
        fam, npayloads = build_family(args, b)
        stage = os.path.join(work, "stage")
        plan = b.stage(fam, stage)
        for cat_name, (members, _pkg) in sorted(plan.items()):
            b.catalog(stage, cat_name, members, "signer")
        names = sorted(os.path.relpath(os.path.join(d, f), stage)
                       for d, _, fs in os.walk(stage) for f in fs)
        tmp = os.path.join(work, "out.cab")
        parts = 0
        if len(names) <= args.max_files:
            b.cab(tmp, stage, names)
        else:
            parts = nested_cabinets(b, work, stage, names, tmp, args.max_files)
        b.sign(tmp, "signer")
        shutil.move(tmp, out)
        if args.express:
            express_cabinet(b, work, stage, names, os.path.abspath(args.express))
    # entries: the files, as a walk into the nested cabinets lists them
    print("%s: %d entries (%d manifests, %d payloads, %d packages%s)"
          % (out, len(names), args.manifests, npayloads, len(fam.packages),
             ", in %d nested cabinets" % parts if parts else ""))


def express_cabinet(b, work, stage, names, out):
    """The express cabinet of the staged files: manifests, .mum and .cat as
    they are (RAW sources), payloads (the files in keyform folders) as PA30
    blobs, and the index."""
    xstage = os.path.join(work, "express")
    os.makedirs(xstage)
    entries = ["_manifest_.cix.xml"]
    x = ['<?xml version="1.0" encoding="UTF-8"?>\n<Container name="%s" type="CAB" length="0" '
         'version="1" xmlns="urn:ContainerIndex"><Description/><Files>' % os.path.basename(out)]
    nblobs = 0
    for k, n in enumerate(names):
        with open(os.path.join(stage, n), "rb") as f:
            data = f.read()
        if "/" in n:
            blob = b.fill.delta(data)
            bname = str(nblobs)
            nblobs += 1
            kind = "PA30"
        else:
            blob, bname, kind = data, n, "RAW"
        with open(os.path.join(xstage, bname), "wb") as f:
            f.write(blob)
        entries.append(bname)
        x.append('<File id="%d" name="%s" length="%d" time="132000000000000000" attr="32">'
                 '<Hash alg="SHA256" value="%s"/><Delta><Source type="%s" name="%s">'
                 '<Hash alg="SHA256" value="%s"/></Source></Delta></File>'
                 % (k + 1, n.replace("/", "\\"), len(data), hashlib.sha256(data).hexdigest().upper(),
                    kind, bname, hashlib.sha256(blob).hexdigest().upper()))
    x.append("</Files></Container>\n")
    with open(os.path.join(xstage, entries[0]), "w") as f:
        f.write("".join(x))
    tmp = os.path.join(work, "express.cab")
    b.cab(tmp, xstage, entries)
    b.sign(tmp, "signer")
    shutil.move(tmp, out)
    print("%s: express, %d entries (%d PA30 blobs)" % (out, len(entries), nblobs))


def nested_cabinets(b, work, stage, names, out, max_files):
    """A cabinet holds at most 65 535 files (CFHEADER.cFiles is 16 bits,
    and gcab 1.5 writes a corrupt one past that; its command line holds
    fewer still, see --max-files), so a larger package is,
    as Windows ships its largest updates, a cabinet of cabinets: each part
    holds whole components (a manifest with its payload folder), the .mum
    and .cat files go in the first; each part is signed, and the outer
    cabinet holds them stored.  Returns the number of parts."""
    groups = {}   # keyform -> [paths]: a manifest and the folder of its name
    top = []
    for n in names:
        head = n.split("/", 1)[0]
        if "/" in n:
            groups.setdefault(head, []).append(n)
        elif n.endswith(".manifest"):
            groups.setdefault(n[:-len(".manifest")], []).append(n)
        else:
            top.append(n)
    parts = [list(top)]
    for key in sorted(groups):
        if len(parts[-1]) + len(groups[key]) > max_files:
            parts.append([])
        parts[-1].extend(groups[key])
    outer = os.path.join(work, "outer")
    os.makedirs(outer)
    part_names = []
    for i, part in enumerate(parts):
        name = "Cab_%d_for_KB%s.cab" % (i + 1, KB_NAME)
        path = os.path.join(outer, name)
        b.cab(path, stage, sorted(part))
        b.sign(path, "signer")
        part_names.append(name)
    generate.fix_times(outer)
    generate.run(["gcab", "-c", out] + part_names, cwd=outer)  # stored: the parts are compressed
    return len(parts)


if __name__ == "__main__":
    main()
