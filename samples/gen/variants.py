"""The sample variants: the clean family, its second revision and the broken
twins.  Each is the clean model with one change; samples/README.md says what
each twin must make `mumtool verify` report."""

from model import (KB, NETIO, NETSEC, PACKAGE_VERSION, TCPIP, Component, Package, clean_families)


def _deployments_pulling(fam, name, arch):
    return [c for c in fam.components if c.deployment and any(
        n == name and a == arch for n, a, _ in c.deps)]


def _set_version(fam, name, arch, version):
    comp = fam.component(name, arch)
    comp.version = version
    for d in _deployments_pulling(fam, name, arch):
        d.deps = [(n, a, version if (n, a) == (name, arch) else v) for n, a, v in d.deps]


# ---- the second revision ------------------------------------------------------

def second_revision():
    """What a re-release of KB943650 changes (the input of the diff tests):
    1. Microsoft-Windows-TCPIP-Binaries 6.0.6001.22222 -> 6.0.6001.22223 on
       every platform, Tcpip.sys rebuilt with the new version;
    2. a file added: Fwpolicyiomgr.dll in Microsoft-Windows-Network-Security
       (x86, amd64, ia64);
    3. a package added: Package_6_for_KB943650, installing the netio/network-
       security deployment, pulled by the server sub-package;
    4. a payload changed without a version change: Wfp.tmf of
       Microsoft-Windows-Network-Security (every platform), same 6.0.6001.22222."""
    fams = clean_families()
    for arch, fam in fams.items():
        _set_version(fam, TCPIP, arch, "6.0.6001.22223")
        netsec = fam.component(NETSEC, arch)
        netsec.files.append(("Fwpolicyiomgr.dll", "Policy Manager Provider", arch))
        netsec.payload_salt = b"v2"
        netsec.salted_files = {"Wfp.tmf"}  # only this file changes
        big = [c for c in fam.components if c.deployment and (NETIO, arch) in
               [(n, a) for n, a, _ in c.deps]][0]
        p6 = Package("Package_6_for_KB%s" % KB, arch)
        p6.updates.append(("%s-60_neutral_LDR" % KB, "component", big.name, arch, big.version,
                           (NETIO, arch)))
        fam.packages.insert(5, p6)
        server0 = [p for p in fam.packages if p.name == "Package_for_KB%s_server_0" % KB][0]
        server0.updates.append(("%s-106_neutral_PACKAGE" % KB, "package", p6.name, arch,
                                PACKAGE_VERSION, None))
    return fams


# ---- the broken twins -------------------------------------------------------------

def missing_wow64(f):
    """amd64 ships without its wow64 NetIO-Infrastructure part (ia64 has it)."""
    fam = f["amd64"]
    fam.components.remove(fam.component(NETIO, "wow64"))
    for d in fam.components:
        d.deps = [(n, a, v) for n, a, v in d.deps if (n, a) != (NETIO, "wow64")]


def wow64_without_x86(f):
    """A wow64 component (amd64 and ia64) whose x86 twin ships nowhere."""
    for arch in ("amd64", "ia64"):
        fam = f[arch]
        extra = Component("Microsoft-Windows-IPsec-Policy-Agent", "wow64")
        extra.files = [("Ipsecsvc.dll", "IPsec Policy Agent", "x86")]
        fam.components.insert(0, extra)
        big = _deployments_pulling(fam, NETIO, arch)[0]
        big.deps.append((extra.name, "wow64", extra.version))


def version_mismatch(f):
    """ia64's Network-Security is 6.0.6001.22223; the other platforms have 22222."""
    _set_version(f["ia64"], NETSEC, "ia64", "6.0.6001.22223")


def payload_mismatch(f):
    """amd64 Bfe.dll's bytes differ from its manifest's DigestValue (the
    catalog was made over the bytes that ship)."""
    f["amd64"].tamper_component = (NETSEC, "amd64", "bfe.dll")


def manifest_not_in_catalog(f):
    """x86 NetIO-Infrastructure's manifest is in no catalog."""
    f["x86"].skip_manifest = (NETIO, "x86")


def mum_without_cat(f):
    """x86 Package_5_for_KB943650.mum ships without its .cat (its deployment
    is also Package_1's, whose catalog covers it: only the .cat is missing)."""
    f["x86"].no_catalog.add("Package_5_for_KB%s" % KB)


def unsigned_catalog(f):
    """x86 Package_2_for_KB943650.cat is not signed."""
    f["x86"].unsigned.add("Package_2_for_KB%s" % KB)


def untrusted_catalog(f):
    """x86 Package_2_for_KB943650.cat is signed by a key that does not chain to
    the test CA."""
    f["x86"].rogue.add("Package_2_for_KB%s" % KB)


def renamed_manifest(f):
    """x86 TCPIP-Binaries' manifest is renamed to the keyform of 6.0.6001.22221."""
    f["x86"].component(TCPIP, "x86").file_name = (
        "x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22221_none_"
        "b39411bf7f924877.manifest")


def missing_subpackage(f):
    """x86 Package_for_KB943650_client_1 also pulls Package_6_for_KB943650,
    which is not in the cabinet."""
    fam = f["x86"]
    client1 = [p for p in fam.packages if p.name == "Package_for_KB%s_client_1" % KB][0]
    client1.updates.append(("%s-106_neutral_PACKAGE" % KB, "package", "Package_6_for_KB%s" % KB,
                            "x86", PACKAGE_VERSION, None))


def orphan_manifest(f):
    """x86 ships a NetIO-Diagnostics manifest no package or deployment reaches
    (listed in Package_2's catalog, so only the orphan is wrong)."""
    fam = f["x86"]
    orphan = Component("Microsoft-Windows-NetIO-Diagnostics", "x86")
    fam.components.append(orphan)
    fam.orphans.append(orphan)


def dependency_cycle(f):
    """x86 TCPIP-Binaries depends (install) on the deployment that installs it."""
    fam = f["x86"]
    tcpip = fam.component(TCPIP, "x86")
    dep = _deployments_pulling(fam, TCPIP, "x86")[0]
    tcpip.deps.append((dep.name, "x86", dep.version))


def expect_size_mismatch(f):
    """x86 Tcpip.sys is one byte longer than the article says (891449 bytes,
    not 891448); its manifest and catalog agree with the bytes that ship."""
    f["x86"].component(TCPIP, "x86").size_delta["Tcpip.sys"] = 1


TWINS = [
    ("missing-wow64", missing_wow64),
    ("wow64-without-x86", wow64_without_x86),
    ("version-mismatch", version_mismatch),
    ("payload-mismatch", payload_mismatch),
    ("manifest-not-in-catalog", manifest_not_in_catalog),
    ("mum-without-cat", mum_without_cat),
    ("unsigned-catalog", unsigned_catalog),
    ("untrusted-catalog", untrusted_catalog),
    ("renamed-manifest", renamed_manifest),
    ("missing-subpackage", missing_subpackage),
    ("orphan-manifest", orphan_manifest),
    ("dependency-cycle", dependency_cycle),
    ("expect-size-mismatch", expect_size_mismatch),
]


def all_variants():
    yield "kb943650", clean_families()
    yield "kb943650-v2", second_revision()
    for name, mutate in TWINS:
        fams = clean_families()
        mutate(fams)
        yield "broken/" + name, fams
