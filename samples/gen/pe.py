"""Small but valid PE images for the samples.

A PE32 (x86) or PE32+ (amd64, ia64) file with two sections: .text (a few
bytes of code, filled out with a pattern derived from the file name so every
file differs) and .rsrc holding one RT_VERSION resource (VS_VERSIONINFO with
a VS_FIXEDFILEINFO and a StringFileInfo carrying FileVersion, as Windows'
own binaries have).  The header checksum is the real PE checksum.  No
certificate table: like Windows' own files, they are signed through catalogs.

With `size`, the image is exactly that many bytes (the article's file size):
the .text section's raw data grows by whole file-alignment units of zeros
(its VirtualSize stays the code's, as a linker leaves it), and what is left
below one unit follows the last section as zeros (an overlay, which the
Authenticode digest covers).  Zeros, so the cabinets stay small.

Everything is deterministic: same arguments, same bytes.
"""

import hashlib
import struct

MACHINES = {"x86": 0x014C, "amd64": 0x8664, "ia64": 0x0200}

FILE_ALIGN = 0x200
SECT_ALIGN = 0x1000

# VS_FIXEDFILEINFO.dwFileType / dwFileSubtype
VFT_APP, VFT_DLL, VFT_DRV = 1, 2, 3
VFT2_DRV_SYSTEM = 7

IMAGE_SUBSYSTEM_NATIVE = 1
IMAGE_SUBSYSTEM_WINDOWS_GUI = 2


def _align(n, a):
    return (n + a - 1) // a * a


def _utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def _pad4(b):
    return b + b"\0" * (_align(len(b), 4) - len(b))


def _ver_node(key, value=b"", value_len=0, vtype=0, children=b""):
    """One VS_VERSIONINFO-style node: wLength, wValueLength, wType, szKey, pad, value, pad, children."""
    head = struct.pack("<HHH", 0, value_len, vtype) + _utf16z(key)
    head = _pad4(head)
    body = _pad4(head + value) + children
    return struct.pack("<H", len(body)) + body[2:]


def _string(key, text):
    value = _utf16z(text)
    return _pad4(_ver_node(key, value, len(value) // 2, 1))


def version_resource(file_version, original_name, description, file_type):
    """The VS_VERSIONINFO blob for a file version "a.b.c.d"."""
    parts = [int(p) for p in file_version.split(".")]
    ms = parts[0] << 16 | parts[1]
    ls = parts[2] << 16 | parts[3]
    subtype = VFT2_DRV_SYSTEM if file_type == VFT_DRV else 0
    fixed = struct.pack(
        "<13I",
        0xFEEF04BD,  # signature
        0x00010000,  # struct version
        ms, ls,      # file version
        ms, ls,      # product version
        0x3F,        # flags mask
        0,           # flags
        0x00040004,  # VOS_NT_WINDOWS32
        file_type,
        subtype,
        0, 0,        # file date
    )
    strings = b"".join(
        _string(k, v)
        for k, v in (
            ("CompanyName", "Microsoft Corporation"),
            ("FileDescription", description),
            ("FileVersion", "%s (vistasp1_ldr.080715-0000)" % file_version),
            ("InternalName", original_name),
            ("LegalCopyright", "\u00a9 Microsoft Corporation. All rights reserved."),
            ("OriginalFilename", original_name),
            ("ProductName", "Microsoft\u00ae Windows\u00ae Operating System"),
            ("ProductVersion", file_version),
            ("Comments", "mumtool sample stand-in, not Microsoft code"),
        )
    )
    table = _ver_node("040904B0", vtype=1, children=strings)
    sfi = _ver_node("StringFileInfo", vtype=1, children=_pad4(table))
    translation = _pad4(_ver_node("Translation", struct.pack("<HH", 0x0409, 0x04B0), 4, 0))
    vfi = _ver_node("VarFileInfo", vtype=1, children=translation)
    return _ver_node("VS_VERSION_INFO", fixed, len(fixed), 0, _pad4(sfi) + _pad4(vfi))


def _resource_section(blob, rva, rtype=16, rname=1):
    """.rsrc with the tree rtype (RT_VERSION, 16) / rname / 0x0409 -> blob."""
    def directory(entry_id, target, is_dir):
        return struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack(
            "<II", entry_id, target | (0x80000000 if is_dir else 0))

    d_root = directory(rtype, 0x18, True)   # -> name directory at 0x18
    d_name = directory(rname, 0x30, True)   # -> language directory at 0x30
    d_lang = directory(0x0409, 0x48, False)  # -> data entry at 0x48
    data_off = 0x58
    entry = struct.pack("<IIII", rva + data_off, len(blob), 0, 0)
    sec = d_root + d_name + d_lang + entry
    sec += b"\0" * (data_off - len(sec))
    return sec + blob


def _checksum(data, checksum_offset):
    total = 0
    n = len(data)
    padded = data + (b"\0" if n % 2 else b"")
    for i in range(0, len(padded), 2):
        if i == checksum_offset or i == checksum_offset + 2:
            continue
        total += padded[i] | padded[i + 1] << 8
        total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return (total + n) & 0xFFFFFFFF


def make_pe(arch, name, file_version, description, salt=b"", size=None, resource=None):
    """A PE image for `arch` named `name` (.sys -> driver, .dll -> DLL).

    `salt` changes the code bytes (not the version): a rebuilt file.
    `size`: the image's exact size in bytes (None: as small as it gets).
    `resource` (type, name, bytes) replaces the version resource (as
    wcp.dll's base manifest is type 614, name 1)."""
    machine = MACHINES[arch]
    plus = arch != "x86"
    lower = name.lower()
    is_driver = lower.endswith(".sys")
    is_dll = lower.endswith(".dll")
    file_type = VFT_DRV if is_driver else VFT_DLL if is_dll else VFT_APP

    # .text: "xor eax, eax; ret" (x86/x64) then a name-derived pattern.
    code = b"\x31\xc0\xc3" if arch in ("x86", "amd64") else b"\x00" * 16
    pattern = hashlib.sha256(name.encode() + salt).digest() * 8
    code += pattern[:256 - len(code)]
    text_raw = code + b"\0" * (_align(len(code), FILE_ALIGN) - len(code))

    opt_size = 240 if plus else 224
    headers_size = _align(0x80 + 4 + 20 + opt_size + 2 * 40, FILE_ALIGN)
    text_rva, rsrc_rva = SECT_ALIGN, 2 * SECT_ALIGN
    if resource:
        rsrc = _resource_section(resource[2], rsrc_rva, resource[0], resource[1])
    else:
        rsrc = _resource_section(version_resource(file_version, name, description, file_type), rsrc_rva)
    rsrc_raw = rsrc + b"\0" * (_align(len(rsrc), FILE_ALIGN) - len(rsrc))
    overlay = b""
    if size is not None:
        extra = size - (headers_size + len(text_raw) + len(rsrc_raw))
        if extra < 0:
            raise ValueError("%s: %d bytes is smaller than the smallest image" % (name, size))
        text_raw += b"\0" * (extra // FILE_ALIGN * FILE_ALIGN)
        overlay = b"\0" * (extra % FILE_ALIGN)
    size_of_image = rsrc_rva + _align(len(rsrc), SECT_ALIGN)

    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<H", dos, 0x02, 0x90)      # bytes on last page
    struct.pack_into("<H", dos, 0x04, 3)         # pages
    struct.pack_into("<H", dos, 0x08, 4)         # header paragraphs
    struct.pack_into("<H", dos, 0x18, 0x40)      # relocation table offset
    struct.pack_into("<I", dos, 0x3C, 0x80)      # e_lfanew
    stub = b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    dos[0x40:0x40 + len(stub)] = stub

    characteristics = 0x0002 | (0x0020 if plus else 0x0100) | (0x2000 if is_dll else 0)
    coff = struct.pack("<HHIIIHH", machine, 2, 0x487C6B70, 0, 0, opt_size, characteristics)

    subsystem = IMAGE_SUBSYSTEM_NATIVE if is_driver else IMAGE_SUBSYSTEM_WINDOWS_GUI
    image_base = 0x10000 if is_driver else (0x180000000 if plus else 0x10000000)
    common = struct.pack(
        "<HBBIIIII",
        0x20B if plus else 0x10B, 9, 0,   # magic, linker 9.0
        len(text_raw), len(rsrc_raw), 0,  # code, initialized, uninitialized
        text_rva, text_rva,               # entry point, base of code
    )
    if plus:
        opt = common + struct.pack("<Q", image_base)
    else:
        opt = common + struct.pack("<II", rsrc_rva, image_base)  # base of data
    opt += struct.pack(
        "<IIHHHHHHIIIIHH",
        SECT_ALIGN, FILE_ALIGN,
        6, 0, 6, 0, 6, 0,                 # OS, image, subsystem versions
        0, size_of_image, headers_size,
        0,                                # checksum, patched below
        subsystem,
        0x0140,                           # DYNAMIC_BASE | NX_COMPAT
    )
    sizes = (0x40000, 0x1000, 0x100000, 0x1000)
    opt += struct.pack("<4Q", *sizes) if plus else struct.pack("<4I", *sizes)
    opt += struct.pack("<II", 0, 16)      # loader flags, number of directories
    dirs = [(0, 0)] * 16
    dirs[2] = (rsrc_rva, len(rsrc))       # resource table
    opt += b"".join(struct.pack("<II", *d) for d in dirs)
    assert len(opt) == opt_size

    def section(name_b, vsize, rva, raw_size, raw_ptr, chars):
        return struct.pack("<8sIIIIIIHHI", name_b, vsize, rva, raw_size, raw_ptr, 0, 0, 0, 0, chars)

    sections = section(b".text", len(code), text_rva, len(text_raw), headers_size, 0x60000020)
    sections += section(b".rsrc", len(rsrc), rsrc_rva, len(rsrc_raw), headers_size + len(text_raw),
                        0x40000040)

    header = bytes(dos) + b"PE\0\0" + coff + opt + sections
    header += b"\0" * (headers_size - len(header))
    image = bytearray(header + text_raw + rsrc_raw + overlay)
    checksum_offset = 0x80 + 4 + 20 + 64
    struct.pack_into("<I", image, checksum_offset, _checksum(bytes(image), checksum_offset))
    return bytes(image)
