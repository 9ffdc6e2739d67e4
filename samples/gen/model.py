"""The KB943650 hotfix family as data: components, deployments, packages.

Everything named here comes from the seed article (../shared/seeds/001_*.txt,
the "File information" and "Additional file information" tables): the
package names per platform, the manifest (keyform) names, the files of each
platform and their versions.  What the article does not say -- which file
belongs to which component, which deployment pulls which component, which
package pulls which deployment -- is chosen to be plausible and is written
down here once.
"""

import calendar
import copy
import os
import time

KB = "943650"
PKT = "31bf3856ad364e35"
COMPONENT_VERSION = "6.0.6001.22222"
PACKAGE_VERSION = "6.0.1.0"

# The seed lists "15-Jul-2008 18:03" (UTC) for the packages.
BUILD_TIME = "2008-07-15T18:03:00Z"

PLATFORMS = ("x86", "amd64", "ia64")
MSU_ARCH = {"x86": "x86", "amd64": "x64", "ia64": "ia64"}

# Component name -> its files: (file name, description, PE?).  The 32-bit
# user-mode parts of netio-infrastructure and network-security ship again as
# wow64 components on 64-bit platforms (the seed's x64/IA-64 tables repeat
# Fwpuclnt.dll and Wfp.mof as x86 files); tcpip-binaries is kernel-only.
COMPONENTS = {
    "Microsoft-Windows-TCPIP-Binaries": [
        ("Tcpip.sys", "TCP/IP Driver", True),
    ],
    "Microsoft-Windows-NetIO-Infrastructure": [
        ("Netio.sys", "Network I/O Subsystem", True),
        ("Fwpkclnt.sys", "FWP/IPsec Kernel-Mode API", True),
        ("Wfp.mof", None, False),
    ],
    "Microsoft-Windows-Network-Security": [
        ("Bfe.dll", "Base Filtering Engine", True),
        ("Fwpuclnt.dll", "FWP/IPsec User-Mode API", True),
        ("Ikeext.dll", "IKE and AuthIP IPsec Keying Modules", True),
        ("Wfp.tmf", None, False),
    ],
}
WOW64_FILES = {
    "Microsoft-Windows-NetIO-Infrastructure": ["Wfp.mof"],
    "Microsoft-Windows-Network-Security": ["Fwpuclnt.dll"],
}

TCPIP = "Microsoft-Windows-TCPIP-Binaries"
NETIO = "Microsoft-Windows-NetIO-Infrastructure"
NETSEC = "Microsoft-Windows-Network-Security"

# Deployments (hash-named in the seed) -> the components they install, as
# (name, arch) pairs.  Names per platform exactly as the seed lists them.
DEPLOYMENTS = {
    "x86": {
        "6b0883bc57618c5d18f83da34c749a85": [(TCPIP, "x86")],
        "792ca1dce5ad251a7284d6d38cd5c356": [(NETIO, "x86"), (NETSEC, "x86")],
        "fc927f43e319b15a1094774e76841f78": [(NETSEC, "x86")],
    },
    "amd64": {
        "cf5802052fa15f9c1606c85a72b2bf00": [(TCPIP, "amd64")],
        "793b9a47fb82f5440ce9e7ab6065c660": [(NETIO, "amd64"), (NETSEC, "amd64"),
                                             (NETIO, "wow64"), (NETSEC, "wow64")],
        "59eec085e1547efeda4eb50d92030023": [(NETSEC, "amd64"), (NETSEC, "wow64")],
        "b2b61344199caebd3915fabcf2f88263": [(NETIO, "amd64"), (NETIO, "wow64")],
    },
    "ia64": {
        "04d72ea232bf04c49c48b02844d9b7c9": [(TCPIP, "ia64")],
        "bb27389ad2dff7b4a8f31df64fafa2cc": [(NETIO, "ia64"), (NETSEC, "ia64"),
                                             (NETIO, "wow64"), (NETSEC, "wow64")],
    },
}

# Parent (applicability) packages on the target OS, per top-level package.
PARENTS = {
    "client": ["Microsoft-Windows-Client-Features-Package", "Microsoft-Windows-Foundation-Package"],
    "server": ["Microsoft-Windows-Server-Features-Package", "Microsoft-Windows-Foundation-Package"],
    "sc": ["Microsoft-Windows-ServerCore-Package"],
    "winpesrv": ["Microsoft-Windows-WinPE-Package"],
}
PARENT_VERSION = "6.0.6001.18000"  # Vista SP1 / Server 2008 RTM

# Package tree per platform: top-level package -> hidden sub-package ->
# Package_N (each with one update per deployment it installs).  ia64 has no
# client packages (Vista never shipped on Itanium).
def package_tree(arch):
    dep = list(DEPLOYMENTS[arch])
    if arch == "ia64":
        leaves = {1: [dep[0]], 2: [dep[1]], 3: [dep[1]]}
        middles = {"server_0": [1, 2], "sc_0": [1, 3], "winpesrv_0": [2, 3]}
        tops = {"server": "server_0", "sc": "sc_0", "winpesrv": "winpesrv_0"}
    else:
        if arch == "x86":
            leaves = {1: [dep[0]], 2: [dep[1]], 3: [dep[2]], 4: [dep[1]], 5: [dep[0]]}
        else:
            leaves = {1: [dep[0]], 2: [dep[1]], 3: [dep[2]], 4: [dep[3]], 5: [dep[0]]}
        middles = {"client_1": [1, 2], "server_0": [1, 2], "sc_0": [1, 3], "winpesrv_0": [4, 5]}
        tops = {"client": "client_1", "server": "server_0", "sc": "sc_0", "winpesrv": "winpesrv_0"}
    return tops, middles, leaves


class Component:
    """A component or deployment manifest and its payload files."""

    def __init__(self, name, arch, version=COMPONENT_VERSION, deployment=False):
        self.name = name
        self.arch = arch
        self.version = version
        self.deployment = deployment
        self.deps = []         # [(name, arch, version)] install dependencies
        self.files = []        # [(file name, description or None, pe arch or None)]
        self.file_name = None  # override of the keyform (the renamed-manifest twin)
        self.payload_salt = b""  # changes payloads without a version change
        self.salted_files = None  # the files the salt applies to (None = all)
        self.size_delta = {}   # file name -> bytes more than the article says (a twin)


class Package:
    def __init__(self, name, arch, version=PACKAGE_VERSION):
        self.name = name
        self.arch = arch
        self.version = version
        self.parents = []      # [name]
        # [(update name, kind "package"|"component", name, arch, version,
        #   applicable (component name, arch) or None)]
        self.updates = []
        self.visible = False


class Family:
    """One platform's package: its packages and manifests."""

    def __init__(self, arch):
        self.arch = arch
        self.components = []
        self.packages = []
        # What the broken twins change (all empty for a clean family):
        self.tamper_component = None  # (name, arch, file): bytes changed after the digest
        self.skip_manifest = None     # (name, arch): manifest left out of every catalog
        self.orphans = []             # components nothing references
        self.orphan_catalog = "Package_2_for_KB%s" % KB  # the catalog that lists them
        self.no_catalog = set()  # package names whose catalog is not made
        self.unsigned = set()    # package names whose catalog is unsigned
        self.rogue = set()       # package names whose catalog the rogue signer signs

    def component(self, name, arch):
        for c in self.components:
            if c.name == name and c.arch == arch:
                return c
        return None


def build_family(arch):
    f = Family(arch)
    comps = {}

    def comp(name, carch):
        key = (name, carch)
        if key not in comps:
            c = Component(name, carch)
            if carch == "wow64":
                c.files = [(n, d, "x86" if pe else None)
                           for n, d, pe in COMPONENTS[name] if n in WOW64_FILES[name]]
            else:
                c.files = [(n, d, carch if pe else None) for n, d, pe in COMPONENTS[name]]
            comps[key] = c
            f.components.append(c)
        return comps[key]

    for dname, targets in DEPLOYMENTS[arch].items():
        d = Component(dname, arch, deployment=True)
        for name, carch in targets:
            c = comp(name, carch)
            d.deps.append((c.name, c.arch, c.version))
        f.components.append(d)

    tops, middles, leaves = package_tree(arch)
    for n, deps in leaves.items():
        p = Package("Package_%d_for_KB%s" % (n, KB), arch)
        for i, dname in enumerate(deps):
            real = DEPLOYMENTS[arch][dname][0]
            p.updates.append(("%s-%d_neutral_LDR" % (KB, n * 10 + i), "component", dname, arch,
                              COMPONENT_VERSION, real))
        f.packages.append(p)
    for mname, kids in middles.items():
        p = Package("Package_for_KB%s_%s" % (KB, mname), arch)
        for n in kids:
            p.updates.append(("%s-%d_neutral_PACKAGE" % (KB, 100 + n), "package",
                              "Package_%d_for_KB%s" % (n, KB), arch, PACKAGE_VERSION, None))
        f.packages.append(p)
    for tname, mname in tops.items():
        p = Package("Package_for_KB%s_%s" % (KB, tname), arch)
        p.visible = True
        p.parents = PARENTS[tname]
        p.updates.append(("%s-1_neutral_PACKAGE" % KB, "package",
                          "Package_for_KB%s_%s" % (KB, mname), arch, PACKAGE_VERSION, None))
        f.packages.append(p)
    return f


def clean_families():
    return {arch: build_family(arch) for arch in PLATFORMS}


def clone(families):
    return copy.deepcopy(families)


# ---- the article's sizes ---------------------------------------------------------

# What the article says each file weighs, in mumtool's own form of its tables
# (`mumtool expect parse --format tsv`), committed beside the samples: the
# generator makes every payload, .mum and .manifest exactly that size, so that
# `verify --expect` passes on the clean family.  Read from the samples, never
# from ../shared, so that the samples regenerate without it.
EXPECT_TSV = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "kb943650.expect.tsv")


def article_rows(path=EXPECT_TSV):
    """The rows of the expected-contents TSV as dicts (by its header line)."""
    rows, header = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            rows.append(dict(zip(header, cells)))
    if not rows:
        raise SystemExit("generate: %s holds no row" % path)
    return rows


class ArticleSizes:
    """Sizes by platform: a payload's by (package arch, component arch, file
    name); a .mum's or .manifest's by (package arch, file name).  Names are
    compared case-insensitively (the article writes X86_..., cabinets x86_...)."""

    def __init__(self, rows):
        self.rows = rows

    def _size(self, row):
        return int(row["size"]) if row.get("size") else None

    def file_row(self, pkg_arch, comp_arch, name):
        """The article's row of a payload, None when it lists none."""
        want = "x86" if comp_arch == "wow64" else comp_arch
        rows = [r for r in self.rows if r["kind"] == "file" and r["package_arch"] == pkg_arch and
                r["name"].lower() == name.lower()]
        for r in rows:
            if r.get("platform") and r["arch"] == want:
                return r
        # a "Not Applicable" platform (Wfp.mof): the 64-bit sections list the
        # native copy first, then the wow64 one (with the x86 file's time)
        na = [r for r in rows if not r.get("platform")]
        if not na:
            return None
        return na[-1] if comp_arch == "wow64" else na[0]

    def file(self, pkg_arch, comp_arch, name):
        r = self.file_row(pkg_arch, comp_arch, name)
        return self._size(r) if r else None

    @staticmethod
    def _time(r):
        """A row's date and time as seconds since 1970 (UTC); None: none."""
        if not r or not r.get("date"):
            return None
        stamp = r["date"] + " " + (r.get("time") or "00:00")
        return calendar.timegm(time.strptime(stamp, "%Y-%m-%d %H:%M"))

    def file_time(self, pkg_arch, comp_arch, name):
        return self._time(self.file_row(pkg_arch, comp_arch, name))

    def additional_row(self, pkg_arch, name):
        for r in self.rows:
            if r["kind"] == "additional" and r["package_arch"] == pkg_arch and \
                    r["name"].lower() == name.lower():
                return r
        return None

    def additional(self, pkg_arch, name):
        r = self.additional_row(pkg_arch, name)
        return self._size(r) if r else None

    def additional_time(self, pkg_arch, name):
        return self._time(self.additional_row(pkg_arch, name))
