#!/usr/bin/env python3
"""gen-pe-deltas.py - PA30 deltas of the PE file types (I386, AMD64) for the
decoder's tests, made at test time with the independent writer of
tests/tools/pa30write.py (its tiny PE builder and its preprocessing-data
writer; no byte of a Microsoft file).

    gen-pe-deltas.py [--seed N] [--check] [--fuzz-seeds SEEDDIR] OUTDIR

writes into OUTDIR the sources, deltas and expected targets, and
OUTDIR/cases.tsv in the form of tests/tools/gen-hostile-deltas.py
(NAME, SOURCE, DELTA, EXPECT, WHAT), EXPECT one of

    ok:TARGET      decodes to exactly TARGET
    error:S1,S2    fails with one of these statuses
    any:TARGET     fails cleanly (EFORMAT/ELIMIT/EUNSUPPORTED) or gives TARGET
    clean          fails cleanly or decodes (to what the transforms make:
                   cases whose address transforms this writer cannot model)

The valid set: amd64 and i386 images, the flags Windows uses, a new
TimeDateStamp and ImageBase, an identity RVA map, an empty source.  The
hostile set: RIFT tables of the preprocessing data broken (truncated,
huge counts, non-monotonic, entries past 4 GiB and past the image, bad
integer formats), the preprocessing data cut at each field and at each
byte, the CLI bits, unknown flag bits, sources that are not PE images or
whose headers lie (e_lfanew, optional header, section counts and tables
past the end), directories the transforms would follow pointing past the
image (imports, relocation blocks, exports, resources, .pdata), with an
identity and with a moving RVA map.  Deterministic for a given --seed.
"""
import argparse
import importlib.util
import os
import random
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import pa30write as P  # noqa: E402

_spec = importlib.util.spec_from_file_location("gen_hostile", os.path.join(here, "gen-hostile-deltas.py"))
G = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(G)

FORMAT, LIMIT, UNSUP = "EFORMAT", "ELIMIT", "EUNSUPPORTED"
E = ("error", (FORMAT,))
U = ("error", (UNSUP,))
EU = ("error", (FORMAT, UNSUP))
EUL = ("error", (FORMAT, UNSUP, LIMIT))
CLEAN = ("clean",)


class Out(G.Out):
    def case(self, name, source, delta, expect, what, policy=False):
        if expect[0] == "clean":
            assert name not in self.names, name
            self.names.add(name)
            self.blob(name + ".pa30", delta)
            self.rows.append("\t".join((name, source, name + ".pa30", "clean", what)))
            return
        super().case(name, source, delta, expect, what, policy)


def rewrap(delta, body=None, preprocess=None, **header):
    return G.rewrap(delta, body=body, preprocess=preprocess, **header)


def patched(img, at, fmt, *vals):
    b = bytearray(img)
    struct.pack_into(fmt, b, at, *vals)
    return bytes(b)


def edit_target(rng, img, lo, n=6):
    """The image with a few bytes of its section data changed (a new build)."""
    t = bytearray(img)
    for _ in range(n):
        p = rng.randrange(lo, len(t) - 8)
        t[p:p + 4] = bytes(rng.randrange(256) for _ in range(4))
    return bytes(t)


CODE_SIZE = 0x800    # of each image's .text (--small: 0x100, for fuzz seeds)


def valid_cases(out, rng):
    made = {}
    for arch, ft, flags in (("amd64", P.TYPE_AMD64, P.PE_FLAGS_AMD64),
                            ("x86", P.TYPE_I386, P.PE_FLAGS_I386)):
        src_pe = P.tiny_pe(random.Random(11), arch=arch, timestamp=0x5F5E1000, checksum=0x9A31,
                           code_size=CODE_SIZE)
        src = src_pe.bytes()
        sname = out.blob("src-pe-%s.bin" % arch, src)
        tgt = edit_target(rng, P.tiny_pe(random.Random(11), arch=arch, timestamp=0x61234567,
                                         code_size=CODE_SIZE).bytes(), 0x400)
        d, t = P.make_pe_delta(src, tgt, file_type=ft, flags=flags)
        out.case("pe-valid-%s" % arch, sname, d, ("ok", t),
                 "%s image, flags %#x, a new TimeDateStamp, identity RVA map" % (arch, flags))
        d2, _ = P.make_pe_delta(src, tgt, file_type=ft, flags=flags, segments=3, simple=False)
        out.case("pe-valid-%s-3seg" % arch, sname, d2, ("ok", t), "the same in 3 segments")
        base2 = 0x140000000 if arch == "amd64" else 0x00400000
        tgt2 = P.tiny_pe(random.Random(11), arch=arch, timestamp=0x5F5E1000, image_base=base2,
                         code_size=CODE_SIZE).bytes()
        d3, t3 = P.make_pe_delta(src, tgt2, file_type=ft, flags=flags & ~P.PE_RELOCATIONS)
        out.case("pe-valid-%s-new-base" % arch, sname, d3, ("ok", t3),
                 "a new ImageBase (no relocation transform asked)")
        d4, t4 = P.make_pe_delta(src, tgt, file_type=ft, flags=P.PE_MARK_NON_EXE)
        out.case("pe-valid-%s-mark-only" % arch, sname, d4, ("ok", t4), "flag 0x2 only")
        d5, t5 = P.make_pe_delta(src, tgt, file_type=ft, flags=flags | P.PE_IGNORE_SIZE_LIMIT)
        out.case("pe-valid-%s-0x%x" % (arch, flags | P.PE_IGNORE_SIZE_LIMIT), sname, d5, ("ok", t5),
                 "flags with 0x20000, as express deltas have them")
        made[arch] = (src_pe, src, sname, tgt, t, d, ft, flags)
    out.blob("src-empty.bin", b"")
    tgt = made["amd64"][3]
    pre = P.pe_preprocess(0x180000000, 0x61234567, [(0, 0)], [])
    d, t = P.make_delta(b"", target=tgt, flags=P.PE_FLAGS_AMD64, file_type=P.TYPE_AMD64,
                        file_type_set=P.TYPE_AMD64 | 1, preprocess=pre)
    out.case("pe-valid-empty-source", "src-empty.bin", d, ("ok", t),
             "an amd64 delta against no source (nothing to transform)")
    return made


def hostile_cases(out, rng, made):
    src_pe, src, sname, tgt, t, base, ft, flags = made["amd64"]
    layout = P.pe_layout(src)
    ident = [(va, va) for va, _ in layout]
    ANY = ("any", t)

    def pre_case(name, what, expect, pre, source=sname, **hdr):
        out.case("pe-" + name, source, rewrap(base, preprocess=pre, **hdr), expect, what, True)

    # -- the preprocessing data cut at each field, and at each byte --
    full = P.pe_preprocess(0x180000000, 0x61234567, layout, ident)
    for stop in ("base-low", "base-high", "checksum", "timestamp", "layout", "cli", "rva-map"):
        pre_case("pre-stop-%s" % stop, "the preprocessing data ending before its %s" % stop, E,
                 P.pe_preprocess(0x180000000, 0x61234567, layout, ident, stop=stop))
    pre_case("pre-stop-cli-map", "no trailing CLI map bit (optional when no bits are left)", ANY,
             P.pe_preprocess(0x180000000, 0x61234567, layout, ident, trailing_bit=False))
    cuts = set(range(0, 40)) | set(range(40, len(full) - 8, 23)) | set(range(len(full) - 8, len(full)))
    for c in sorted(cuts):
        pre_case("pre-cut-%03d" % c, "the preprocessing data cut after %d of %d bytes"
                 % (c, len(full)), E if c < len(full) - 1 else ANY, full[:c])
    pre_case("pre-empty-type", "an amd64 delta with no preprocessing data", E, b"")

    # -- RIFT tables: the layout --
    def lay(name, what, expect, entries, **kw):
        w = P.BitWriter()
        w.bits(0x80000000, 32)
        w.bits(1, 32)
        w.bits(0, 32)
        w.bits(0x61234567, 32)
        P.write_rift(w, entries, **kw)
        w.bits(0, 1)
        P.write_rift(w, ident)
        w.bits(0, 1)
        pre_case("layout-" + name, what, expect, w.finish())

    def rva(name, what, expect, entries, **kw):
        w = P.BitWriter()
        w.bits(0x80000000, 32)
        w.bits(1, 32)
        w.bits(0, 32)
        w.bits(0x61234567, 32)
        P.write_rift(w, layout)
        w.bits(0, 1)
        P.write_rift(w, entries, **kw)
        w.bits(0, 1)
        pre_case("rvamap-" + name, what, expect, w.finish())

    for nm, fn, tag in (("layout", lay, "the layout table"), ("rvamap", rva, "the RVA map")):
        ents = layout if nm == "layout" else ident
        fn("count-huge", "%s: 2^40 entries announced" % tag, ("error", (FORMAT, LIMIT)), ents,
           count=1 << 40)
        fn("count-2e62", "%s: 2^62 entries announced" % tag, ("error", (FORMAT, LIMIT)), ents,
           count=1 << 62)
        fn("count-more", "%s: 1000 entries announced, %d sent" % (tag, len(ents)), EUL, ents,
           count=1000)
        fn("count-max", "%s: 2^20 + 1 entries announced" % tag, EUL, ents, count=(1 << 20) + 1)
        fn("intformat-counts", "%s: integer format counts out of range" % tag, E, ents,
           counts=(200, 126, 0))
        fn("intformat-over", "%s: an over-subscribed integer format" % tag, E, ents,
           int_lengths=[7] * 252)
        fn("intformat-under", "%s: an under-subscribed integer format" % tag, E, ents,
           int_lengths=[8] * 252)
    # what the entries say, for each table
    far = 1 << 32
    lay("non-monotonic", "the layout's entries in reverse order (the same set)", ANY,
        list(reversed(layout)))
    # a layout other than the source's own sections moves the copies of the
    # body (the copy map): refused, copies out of range, or another target
    # (the MD5 catches it); entries that move nothing inside the image may
    # leave the target as it was
    lay("duplicate", "a layout entry twice", ("any", t), layout + [layout[1]])
    lay("past-4g", "a layout entry at RVA 2^32 + 0x1000", ("any", t), layout + [(far + 0x1000, 0x400)])
    lay("past-4g-offset", "a section's file offset past 4 GiB", ("any", t),
        [layout[0], (layout[1][0], far + layout[1][1])] + layout[2:])
    lay("past-image", "a section's file offset past the end of the image", ("any", t),
        [layout[0], (layout[1][0], len(src) + 0x10000)] + layout[2:])
    lay("negative", "a layout entry at RVA -4096", ("any", t), layout + [(-4096, 0)])
    lay("int64-min", "a layout entry at -2^63", ("any", t), layout + [(-(1 << 63), (1 << 63) - 1)])
    lay("empty", "an empty layout table for a source with sections", ("any", t), [])
    lay("absent", "no layout table (the absent bit) for a source with sections", ("any", t), None)
    rva("non-monotonic", "an identity RVA map in reverse order", ANY, list(reversed(ident)))
    rva("past-4g-identity", "an identity RVA map entry at 2^32 + 0x1000", ("any", t),
        ident + [(far + 0x1000, far + 0x1000)])
    rva("past-image-identity", "an identity RVA map entry far past the image (0x7fff0000)", ANY,
        ident + [(0x7FFF0000, 0x7FFF0000)])
    rva("moves", "an RVA map moving 0x1010 to 0x1000", CLEAN, ident + [(0x1010, 0x1000)])
    rva("moves-non-monotonic", "an RVA map whose targets go backwards", CLEAN,
        [(0, 0), (0x1000, 0x3000), (0x2000, 0x1000), (0x3000, 0x2000)])
    rva("moves-past-4g", "an RVA map moving .text to 2^32", CLEAN, [(0, 0), (0x1000, far)])
    rva("moves-past-image", "an RVA map moving .text past the image (0x7fff0000)", CLEAN,
        [(0, 0), (0x1000, 0x7FFF0000)])
    rva("moves-negative", "an RVA map moving .text to -0x1000", CLEAN, [(0, 0), (0x1000, -0x1000)])
    rva("moves-from-past-image", "an RVA map moving RVA 0xfffff000 to 0x1000", CLEAN,
        ident + [(0xFFFFF000, 0x1000)])

    # -- other fields, CLI bits, flags, file types --
    def pre_with(name, what, expect, **kw):
        args = dict(image_base=0x180000000, timestamp=0x61234567, layout=layout, rva_map=ident)
        args.update(kw)
        pre_case(name, what, expect, P.pe_preprocess(**args))

    pre_with("checksum", "a non-zero 32-bit field after the ImageBase (the target CheckSum)", ANY,
             checksum=0x1234ABCD)
    pre_with("cli-metadata", "the CLI metadata bit set", U, cli_metadata=True)
    pre_with("cli-map", "the CLI token map bit set", U, cli_map=True)
    pre_with("base-64bit", "an ImageBase above 4 GiB for an amd64 image", ANY,
             image_base=0x7FF712340000)
    pre_with("base-moves-relocs", "another ImageBase with the relocation transform", CLEAN,
             image_base=0x7FF712340000)
    for bit in (0x800, 0x1000, 0x10000, 0x40000, 1 << 40):
        out.case("pe-flag-%#x" % bit, sname, rewrap(base, flags=flags | bit), U,
                 "unknown flag bit %#x" % bit, True)
    out.case("pe-flag-negative", sname, rewrap(base, flags=(1 << 64) - 1), U,
             "flags -1 (every bit)", True)
    # Known flags set on a delta made without them: 0x40 (SmashLock) changes
    # nothing on a source without lock prefixes, 0x1 (E8) rewrites the
    # target's E8 operands after decoding; either decodes or fails cleanly.
    out.case("pe-flag-0x40", sname, rewrap(base, flags=flags | 0x40), CLEAN,
             "flag 0x40 (SmashLock) added, a source without lock prefixes", True)
    out.case("pe-flag-e8", sname, rewrap(base, flags=flags | 1), CLEAN,
             "flag 0x1 (E8) added to a delta made without it", True)
    for ftype in (4, 0x10, 0x20, 0x40, 0x80, 0x100, 0x8000):
        out.case("pe-type-%#x" % ftype, sname, rewrap(base, file_type=ftype), EU,
                 "file type %#x over a PE delta" % ftype, True)
    out.case("pe-type-i386-on-amd64", sname, rewrap(base, file_type=P.TYPE_I386), ANY,
             "file type i386 for an amd64 image", True)
    x86 = made["x86"]
    out.case("pe-type-amd64-on-i386", x86[2], rewrap(x86[5], file_type=P.TYPE_AMD64), ANY[:1] + (x86[4],),
             "file type amd64 for an i386 image", True)
    pre_case("pe32-base-64bit", "an ImageBase above 4 GiB for a PE32 image", EU,
             P.pe_preprocess(0x100000000, 0x61234567, P.pe_layout(x86[1]),
                             [(va, va) for va, _ in P.pe_layout(x86[1])]),
             source=x86[2], file_type=P.TYPE_I386, flags=x86[7] & ~P.PE_RELOCATIONS)

    # -- sources that are not PE images, or whose headers lie --
    def src_case(name, what, data, expect=EU, delta=base):
        sn = out.blob("src-pe-%s.bin" % name, data)
        out.case("pe-source-" + name, sn, delta, expect, what, True)

    v = P.pe_view(src)
    plus, coff, opt, sec, nsec = v
    src_case("random", "a source of random bytes", bytes(rng.randrange(256) for _ in range(4096)))
    src_case("text", "a text file", b"not an image\n" * 100)
    src_case("mz-short", "'MZ' and 30 bytes", b"MZ" + bytes(30))
    src_case("lfanew-past-end", "e_lfanew past the end", patched(src, 0x3C, "<I", len(src) + 8))
    src_case("lfanew-max", "e_lfanew 0xffffffff", patched(src, 0x3C, "<I", 0xFFFFFFFF))
    src_case("lfanew-last-bytes", "e_lfanew at the last 4 bytes",
             patched(src, 0x3C, "<I", len(src) - 4))
    src_case("no-pe-sig", "no PE signature", patched(src, 0x80, "<I", 0x4551))
    src_case("opt-magic", "optional header magic 0x107", patched(src, opt, "<H", 0x107))
    src_case("opt-size-huge", "SizeOfOptionalHeader 0xffff", patched(src, coff + 16, "<H", 0xFFFF))
    src_case("opt-size-small", "SizeOfOptionalHeader 8", patched(src, coff + 16, "<H", 8))
    src_case("ndirs-huge", "NumberOfRvaAndSizes 0xffffffff (capped to the header)",
             patched(src, sec - 16 * 8 - 4, "<I", 0xFFFFFFFF), ANY)
    src_case("sections-huge", "NumberOfSections 0xffff", patched(src, coff + 2, "<H", 0xFFFF))
    src_case("sections-past-end", "a section table running past the end (sections 200)",
             patched(src, coff + 2, "<H", 200))
    src_case("sections-zero", "NumberOfSections 0", patched(src, coff + 2, "<H", 0))
    raw_past = patched(src, sec + 20, "<I", len(src) + 0x200)
    src_case("section-raw-past-end", "a section's raw data past the end", raw_past)
    src_case("section-raw-huge", "a section's SizeOfRawData 0xffffffff",
             patched(src, sec + 16, "<I", 0xFFFFFFFF))
    src_case("section-va-wraps", "a section at RVA 0xfffff000 of 0x2000 bytes",
             patched(patched(src, sec + 12, "<I", 0xFFFFF000), sec + 8, "<I", 0x2000))
    for k in sorted(set([0x40, 0x7F, 0x80, 0x83, 0x84, 0x97, 0x98, opt + 24, opt + 70, sec - 1, sec,
                         sec + 20, sec + 39, sec + 40 * nsec - 1, sec + 40 * nsec, 0x400, 0x401,
                         len(src) // 2, len(src) - 1])):
        src_case("cut-%05d" % k, "the source cut after %d of %d bytes" % (k, len(src)), src[:k],
                 EU if k < 0x400 else ("any", t))

    # -- directories the transforms follow, pointing past the image --
    def dir_src(name, what, idx, rva_, size_, extra_flags=0):
        data = patched(src, v[3] - 16 * 8 + 8 * idx, "<II", rva_, size_)
        sn = out.blob("src-pe-%s.bin" % name, data)
        # the target made from it: the same bytes as the valid target, the
        # same directory entry (a delta of the same build, so identity map)
        tg = patched(t, v[3] - 16 * 8 + 8 * idx, "<II", rva_, size_)
        d, tt = P.make_pe_delta(data, tg, flags=flags | extra_flags)
        out.case("pe-dir-" + name, sn, d, ("any", tt), what + " (identity RVA map)", True)
        h, pre, body, _ = P.read_header(d)
        lay_ = P.pe_layout(data)
        moving = P.pe_preprocess(0x180000000, 0x61234567, lay_, [(0, 0), (0x1000, 0x1000),
                                                                 (0x1010, 0x1000)])
        out.case("pe-dir-%s-moving" % name, sn, rewrap(d, preprocess=moving), CLEAN,
                 what + " (an RVA map that moves)", True)

    pe_end = len(src) + 0x10000
    dir_src("import-past-end", "the import directory at RVA 0xffffff00", P.DIR_IMPORT, 0xFFFFFF00, 0x100)
    dir_src("import-past-image", "the import directory past SizeOfImage", P.DIR_IMPORT, pe_end, 40)
    dir_src("import-size-huge", "the import directory of 0xffffffff bytes", P.DIR_IMPORT,
            src_pe.section_rva[".idata"][0], 0xFFFFFFFF)
    dir_src("import-unbind-past", "the import directory past the end, with unbinding",
            P.DIR_IMPORT, 0xFFFFFFEC, 20, P.PE_UNBIND)
    dir_src("bound-import", "a bound import directory with unbinding", P.DIR_BOUND_IMPORT, 0x300, 16)
    dir_src("export-past-end", "the export directory at RVA 0xfffffff0", P.DIR_EXPORT, 0xFFFFFFF0, 0x28)
    dir_src("resource-past-end", "the resource directory past the end", P.DIR_RESOURCE, pe_end, 0x100)
    dir_src("resource-self", "the resource directory on the .rdata section (a self-referring tree)",
            P.DIR_RESOURCE, src_pe.section_rva[".rdata"][0], 0x200)
    dir_src("pdata-past-end", "the exception directory (.pdata) past the end", P.DIR_EXCEPTION,
            0xFFFFFFF4, 0x0C)
    dir_src("pdata-huge", "the exception directory of 0x7fffffff bytes", P.DIR_EXCEPTION,
            0x1000, 0x7FFFFFFF)
    dir_src("reloc-past-end", "the relocation directory past the end", P.DIR_BASERELOC,
            0xFFFFFFF8, 0x10)
    dir_src("reloc-size-huge", "the relocation directory of 0xffffffff bytes", P.DIR_BASERELOC,
            src_pe.section_rva[".reloc"][0], 0xFFFFFFFF)
    dir_src("clr", "a CLR directory with the CLI transforms (a managed image)", P.DIR_CLR, 0x2000, 0x48)
    # relocation blocks whose SizeOfBlock lies
    rva_reloc, off_reloc = src_pe.section_rva[".reloc"]
    for nm, size_ in (("block-zero", 0), ("block-4", 4), ("block-past-end", 0x7FFFFFF0),
                      ("block-odd", 9)):
        data = patched(src, off_reloc + 4, "<I", size_)
        tg = patched(t, off_reloc + 4, "<I", size_)
        sn = out.blob("src-pe-reloc-%s.bin" % nm, data)
        d, tt = P.make_pe_delta(data, tg, flags=flags)
        out.case("pe-reloc-%s" % nm, sn, d, ("any", tt),
                 "a relocation block with SizeOfBlock %#x (identity RVA map)" % size_, True)
        moving = P.pe_preprocess(0x180000000, 0x61234567, P.pe_layout(data),
                                 [(0, 0), (0x1000, 0x1000), (0x1010, 0x1000)])
        out.case("pe-reloc-%s-moving" % nm, sn, rewrap(d, preprocess=moving), CLEAN,
                 "a relocation block with SizeOfBlock %#x (an RVA map that moves)" % size_, True)
        out.case("pe-reloc-%s-rebase" % nm, sn,
                 rewrap(d, preprocess=P.pe_preprocess(0x7FF700000000, 0x61234567, P.pe_layout(data),
                                                      [(va, va) for va, _ in P.pe_layout(data)])),
                 CLEAN, "a relocation block with SizeOfBlock %#x, rebased" % size_, True)
    # an import descriptor whose thunk and name RVAs point past the image
    rva_idata, off_idata = src_pe.section_rva[".idata"]
    data = patched(src, off_idata, "<IIIII", 0xFFFFFF00, 0, 0, 0xFFFFFFF0, 0x7FFFFFF0)
    tg = patched(t, off_idata, "<IIIII", 0xFFFFFF00, 0, 0, 0xFFFFFFF0, 0x7FFFFFF0)
    sn = out.blob("src-pe-import-thunks-past.bin", data)
    d, tt = P.make_pe_delta(data, tg, flags=flags)
    out.case("pe-import-thunks-past", sn, d, ("any", tt),
             "an import descriptor whose thunks and name lie past the image", True)
    out.case("pe-import-thunks-past-moving", sn,
             rewrap(d, preprocess=P.pe_preprocess(0x180000000, 0x61234567, P.pe_layout(data),
                                                  [(0, 0), (0x1000, 0x1000), (0x1010, 0x1000)])),
             CLEAN, "the same with an RVA map that moves", True)
    # a bound descriptor (TimeDateStamp -1) with unbinding
    data = patched(src, off_idata + 4, "<I", 0xFFFFFFFF)
    sn = out.blob("src-pe-import-bound.bin", data)
    d, tt = P.make_pe_delta(data, patched(t, off_idata + 4, "<I", 0xFFFFFFFF), flags=flags)
    out.case("pe-import-bound-descriptor", sn, d, EU,
             "a bound import descriptor with unbinding", True)
    # the body itself broken, behind valid preprocessing data
    h, pre, body, _ = P.read_header(base)
    for c in (0, 1, 5, len(body) // 2, len(body) - 1):
        out.case("pe-bodycut-%04d" % c, sname, rewrap(base, body=body[:c]), E,
                 "the body of a PE delta cut after %d of %d bytes" % (c, len(body)), True)
    for bit in sorted(rng.sample(range(len(base) * 8), 120)):
        b = bytearray(base)
        b[bit // 8] ^= 1 << (bit % 8)
        out.case("pe-flip-%05d" % bit, sname, bytes(b), ("any", t),
                 "bit %d of a PE delta flipped" % bit, True)


def fuzz_seeds(out, seeddir):
    """Seeds for tests/fuzz/fuzz_delta.c: a 16-bit source length, the
    source, the delta; every case whose source fits in 15 bits."""
    os.makedirs(seeddir, exist_ok=True)
    n = 0
    for row in out.rows:
        name, src, delta = row.split("\t")[:3]
        # one of each kind: no cuts and flips (the fuzzer makes those), the
        # moved-map variants of a hostile source only once
        if name.startswith(("pe-flip-", "pe-pre-cut-", "pe-source-cut-", "pe-bodycut-")) or \
                name.endswith(("-rebase", "-3seg")) or \
                name.startswith(("pe-type-0x", "pe-flag-0x")) and not name.endswith(("-0x4", "-0x40")) or \
                name.endswith("-moving") and name not in ("pe-dir-import-past-end-moving",
                                                         "pe-reloc-block-past-end-moving"):
            continue
        with open(os.path.join(out.d, src), "rb") as f:
            s = f.read()
        with open(os.path.join(out.d, delta), "rb") as f:
            d = f.read()
        if len(s) > 0x7FFF or len(s) + len(d) > 16384:
            continue
        with open(os.path.join(seeddir, "seed-" + name), "wb") as f:
            f.write(struct.pack("<H", len(s)) + s + d)
        n += 1
    print("%d seeds in %s" % (n, seeddir))


def main():
    ap = argparse.ArgumentParser(description="PE-type PA30 deltas for the decoder's tests")
    ap.add_argument("--seed", type=int, default=30)
    ap.add_argument("--check", action="store_true",
                    help="check the valid cases with pa30write's reader first")
    ap.add_argument("--fuzz-seeds", metavar="DIR")
    ap.add_argument("--small", action="store_true",
                    help="images with 256 bytes of code (fuzz seeds of about 4 KiB)")
    ap.add_argument("outdir")
    a = ap.parse_args()
    if a.small:
        global CODE_SIZE
        CODE_SIZE = 0x100
    os.makedirs(a.outdir, exist_ok=True)
    out = Out(a.outdir, a.check)
    rng = random.Random(a.seed)
    made = valid_cases(out, rng)
    hostile_cases(out, rng, made)
    out.write()
    print("%d cases in %s" % (len(out.rows), a.outdir))
    if a.fuzz_seeds:
        fuzz_seeds(out, a.fuzz_seeds)
    if out.disagree:
        print("cases the independent reader does not agree with:\n  " + "\n  ".join(out.disagree),
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
