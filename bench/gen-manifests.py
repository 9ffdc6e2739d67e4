#!/usr/bin/env python3
"""Generates a directory of realistic CBS manifests for benchmarks and seeds.

The shapes follow the real Windows 7 / 8.1 packages the test suite reads from
$MUM_REALDATA (no text is copied from them): package manifests (.mum) with
parents, an installer assembly and updates naming components, sub-packages or
drivers; deployment manifests pulling in one component; component manifests
with files and their SHA-256 hashes (both namespace-declaration styles seen in
the wild), registry keys, trust info, localization, migration, configuration,
memberships and scheduled tasks.  Lines end in CR LF and some files carry a
UTF-8 BOM, as in the real ones.  Every file is
named as Windows names it (package name, or keyform with the pseudo-key), so
the file-name check passes on all of them.  The output is deterministic for a
given --seed.

    bench/gen-manifests.py [--count N] [--seed S] OUTDIR
"""
import argparse
import base64
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from pseudokey import pseudokey  # noqa: E402

TOKEN = "31bf3856ad364e35"
WORDS = ("network bridge tcpip binding engine ndis tdi netio infrastructure security "
         "client server features foundation drivers common shell kernel storage "
         "printing audio video media codec smartcard crypto servicing stack update "
         "wmi perf counters diagnostics rasapi dhcp dns firewall wlan bluetooth usb "
         "hid display graphics directx spooler scheduler task power").split()
ARCHS = ("x86", "amd64")
FILE_EXT = (".dll", ".sys", ".exe", ".inf", ".mui", ".xrm-ms", ".mof")
DEST = ("$(runtime.system32)\\", "$(runtime.drivers)\\", "$(runtime.inf)\\",
        "$(runtime.system32)\\migration\\", "$(runtime.wbem)\\")
REGTYPES = ("REG_SZ", "REG_EXPAND_SZ", "REG_DWORD", "REG_MULTI_SZ", "REG_BINARY")


def comp_name(r):
    parts = r.sample(WORDS, r.randint(2, 4))
    return "Microsoft-Windows-" + "-".join(p.capitalize() if r.random() < 0.6 else p.upper()
                                           for p in parts)


def version(r, major="6.3.9600"):
    return "%s.%d" % (major, r.randint(16384, 23000))


def trunc(s, limit, keep):
    return s if len(s) <= limit else s[:keep] + ".." + s[-keep:]


def keyform(ident):
    attrs = {"name": ident["name"], "version": ident["version"],
             "processorArchitecture": ident["processorArchitecture"],
             "publicKeyToken": ident["publicKeyToken"]}
    for k in ("versionScope", "type", "language"):
        if k in ident:
            attrs["culture" if k == "language" else k] = ident[k]
    culture = ident.get("language", "neutral")
    culture = "none" if culture.lower() in ("neutral", "none") else trunc(culture.lower(), 8, 3)
    return "%s_%s_%s_%s_%s_%s" % (ident["processorArchitecture"].lower(),
                                  trunc(ident["name"].lower(), 40, 19), TOKEN,
                                  ident["version"], culture, pseudokey(attrs))


def ident_xml(ident, indent, order=None, closing=" />"):
    order = order or ("name", "version", "processorArchitecture", "language", "buildType",
                      "publicKeyToken", "type", "versionScope")
    attrs = " ".join('%s="%s"' % (k, ident[k]) for k in order if k in ident)
    return "%s<assemblyIdentity %s%s\n" % (indent, attrs, closing)


def comp_ident(r, name, arch, ver, **extra):
    d = {"name": name, "version": ver, "processorArchitecture": arch, "language": "neutral",
         "buildType": "release", "publicKeyToken": TOKEN, "versionScope": "nonSxS"}
    d.update(extra)
    return d


def digest(r):
    return base64.b64encode(bytes(r.getrandbits(8) for _ in range(32))).decode()


def hash_xml(r, style):
    d = digest(r)
    if style == 0:   # Windows 8.1 style: dsig declared on each element
        return ('    <asmv2:hash xmlns:asmv2="urn:schemas-microsoft-com:asm.v2">\n'
                '      <dsig:Transforms xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">\n'
                '        <dsig:Transform Algorithm="urn:schemas-microsoft-com:HashTransforms.Identity" />\n'
                '      </dsig:Transforms>\n'
                '      <dsig:DigestMethod xmlns:dsig="http://www.w3.org/2000/09/xmldsig#" '
                'Algorithm="http://www.w3.org/2000/09/xmldsig#sha256" />\n'
                '      <dsig:DigestValue xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">%s'
                '</dsig:DigestValue>\n    </asmv2:hash>\n' % d)
    # Windows 7 style: one line, both prefixes declared on the hash element
    return ('    \n  <asmv2:hash xmlns:asmv2="urn:schemas-microsoft-com:asm.v2" '
            'xmlns:dsig="http://www.w3.org/2000/09/xmldsig#"><dsig:Transforms><dsig:Transform '
            'Algorithm="urn:schemas-microsoft-com:HashTransforms.Identity"></dsig:Transform>'
            '</dsig:Transforms><dsig:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha256">'
            '</dsig:DigestMethod><dsig:DigestValue>%s</dsig:DigestValue></asmv2:hash>' % d)


def sddl(r):
    sid = "S-1-5-80-" + "-".join(str(r.randint(10**8, 4 * 10**9)) for _ in range(5))
    return "O:%sG:%sD:P(A;;FA;;;%s)(A;;GRGX;;;BA)(A;;GRGX;;;SY)(A;;GRGX;;;BU)" % (sid, sid, sid)


def component(r, arch, ver):
    name = comp_name(r)
    ident = comp_ident(r, name, arch, ver)
    style = r.randint(0, 1)
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
           '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0" '
           'copyright="Copyright (c) Microsoft Corporation. All Rights Reserved.">\n',
           ident_xml(ident, "  ", closing=" />" if style == 0 else "></assemblyIdentity>")]
    out.append('  <dependency discoverable="no" resourceType="Resources">\n'
               '    <dependentAssembly dependencyType="prerequisite">\n')
    out.append(ident_xml(comp_ident(r, name + ".Resources", arch, ver, language="*"), "      "))
    out.append('    </dependentAssembly>\n  </dependency>\n')
    for _ in range(r.choice((1, 1, 2, 3, 5, 8))):
        fname = r.choice(WORDS) + r.choice(WORDS) + r.choice(FILE_EXT)
        out.append('  <file name="%s" destinationPath="%s" sourceName="%s" importPath="$(build.nttree)\\">\n'
                   % (fname, r.choice(DEST), fname))
        out.append('    <securityDescriptor name="WRP_FILE_DEFAULT_SDDL" />\n')
        out.append(hash_xml(r, style))
        out.append("\n  </file>\n" if style == 1 else "  </file>\n")
    if r.random() < 0.5:
        out.append("  <registryKeys>\n")
        for _ in range(r.randint(1, 14)):
            out.append('    <registryKey keyName="HKEY_CLASSES_ROOT\\CLSID\\{%08X-%04X-%04X-%04X-%012X}\\" owner="false">\n'
                       % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(16), r.getrandbits(16), r.getrandbits(48)))
            for _ in range(r.randint(1, 4)):
                t = r.choice(REGTYPES)
                v = {"REG_DWORD": "0x%08x" % r.getrandbits(8),
                     "REG_BINARY": "%0128X" % r.getrandbits(512)}.get(t, "$(runtime.system32)\\%s.dll" % r.choice(WORDS))
                out.append('      <registryValue name="%s" valueType="%s" value="%s" operationHint="replace" owner="true" />\n'
                           % (r.choice(WORDS).capitalize(), t, v))
            if r.random() < 0.5:
                out.append('      <securityDescriptor name="WRP_KEY_DEFAULT_SDDL" />\n')
            out.append("    </registryKey>\n")
        out.append("  </registryKeys>\n")
    if r.random() < 0.3:
        out.append("  <memberships>\n    <categoryMembership>\n      <id name=\"Microsoft.Windows.Categories\" "
                   "version=\"1.0.0.0\" publicKeyToken=\"365143bb27e7ac8b\" typeName=\"BootCritical\" />\n"
                   "    </categoryMembership>\n  </memberships>\n")
    if r.random() < 0.6:
        out.append("  <trustInfo>\n    <security>\n      <accessControl>\n        <securityDescriptorDefinitions>\n")
        for n in ("WRP_FILE_DEFAULT_SDDL", "WRP_KEY_DEFAULT_SDDL")[:r.randint(1, 2)]:
            out.append('          <securityDescriptorDefinition name="%s" sddl="%s" operationHint="replace" />\n'
                       % (n, sddl(r)))
        out.append("        </securityDescriptorDefinitions>\n      </accessControl>\n    </security>\n  </trustInfo>\n")
    if r.random() < 0.5:
        out.append('  <localization>\n    <resources culture="en-US">\n      <stringTable>\n')
        for i in range(r.randint(1, 4)):
            out.append('        <string id="displayName%d" value="%s" />\n'
                       % (i, " ".join(r.choice(WORDS) for _ in range(r.randint(2, 12)))))
        out.append("      </stringTable>\n    </resources>\n  </localization>\n")
    if r.random() < 0.4:
        out.append('  <migration settingsVersion="0">\n    <supportedComponents>\n      <supportedComponent>\n'
                   '        <assemblyIdentity name="_" version="1.0.0.0" />\n'
                   '        <supportedComponentIdentity buildType="release" language="neutral" name="%s" '
                   'processorArchitecture="%s" publicKeyToken="%s" settingsVersionRange="0" versionScope="nonSxS" />\n'
                   '      </supportedComponent>\n    </supportedComponents>\n'
                   '    <machineSpecific>\n      <migXml xmlns="">\n        <rules context="System">\n'
                   '          <include>\n            <objectSet>\n'
                   '              <pattern type="Registry">HKLM\\SYSTEM\\CurrentControlSet\\Services\\%s [%s]</pattern>\n'
                   '            </objectSet>\n          </include>\n        </rules>\n      </migXml>\n'
                   '    </machineSpecific>\n  </migration>\n' % (name, arch, TOKEN, r.choice(WORDS), r.choice(WORDS)))
    if r.random() < 0.15:
        out.append('  <taskScheduler>\n    <Task xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\n'
                   '      <RegistrationInfo>\n        <URI>Microsoft\\Windows\\%s</URI>\n        <Version>1.0</Version>\n'
                   '      </RegistrationInfo>\n      <Triggers>\n        <BootTrigger>\n          <Enabled>true</Enabled>\n'
                   '        </BootTrigger>\n      </Triggers>\n      <Settings>\n        <Enabled>true</Enabled>\n'
                   '        <StartWhenAvailable>true</StartWhenAvailable>\n      </Settings>\n    </Task>\n  </taskScheduler>\n'
                   % r.choice(WORDS))
    if r.random() < 0.3:
        out.append('  <configuration xmlns:wcm="http://schemas.microsoft.com/WMIConfig/2002/State">\n'
                   '    <configurationSchema>\n      <xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
                   'xmlns="%s" targetNamespace="%s">\n'
                   '        <xsd:element name="%s" type="xsd:string" wcm:scope="allUsers" wcm:visible="true" />\n'
                   '      </xsd:schema>\n    </configurationSchema>\n  </configuration>\n'
                   % (name, name, r.choice(WORDS).capitalize()))
    out.append("</assembly>")
    bom = "\ufeff" if style == 1 and r.random() < 0.5 else ""
    return ident, bom + "".join(out)


def deployment(r, arch, ver, target):
    name = "%032x" % r.getrandbits(128)
    ident = comp_ident(r, name, arch, ver)
    text = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0">\n'
            + ident_xml(ident, "  ") + "  <deployment />\n"
            '  <dependency discoverable="false">\n    <dependentAssembly dependencyType="install">\n'
            + ident_xml(target, "      ") + "    </dependentAssembly>\n  </dependency>\n</assembly>")
    return ident, text


def package(r, arch, kb, pname, updates, top=False):
    ident = {"name": pname, "version": "6.3.1.0", "language": "neutral",
             "processorArchitecture": arch, "publicKeyToken": TOKEN}
    stamp = "2014-03-%02dT%02d:%02d:%02dZ" % (r.randint(1, 28), r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))
    out = ['<?xml version="1.0" encoding="utf-8"?>\n',
           '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0" description="Fix for KB%s" '
           'displayName="default" company="Microsoft Corporation" copyright="Microsoft Corporation" '
           'supportInformation="http://support.microsoft.com/?kbid=%s" creationTimeStamp="%s" '
           'lastUpdateTimeStamp="%s">\n' % (kb, kb, stamp, stamp),
           ident_xml(ident, "  ", order=("name", "version", "language", "processorArchitecture", "publicKeyToken")),
           '  <package identifier="KB%s"%s releaseType="%s" restart="%s">\n'
           % (kb, ' applicabilityEvaluation="deep"' if top else "", r.choice(("Update", "Hotfix", "Security Update")),
              r.choice(("possible", "required"))),
           '    <parent buildCompare="EQ" serviceCompare="EQ" integrate="separate" disposition="detect">\n']
    for _ in range(r.randint(1, 7)):
        out.append(ident_xml({"name": "Microsoft-Windows-%s-Package" % r.choice(WORDS).capitalize(),
                              "language": "neutral", "version": "6.3.9600.16384", "processorArchitecture": arch,
                              "publicKeyToken": TOKEN, "buildType": "release"}, "      ",
                             order=("name", "language", "version", "processorArchitecture", "publicKeyToken", "buildType")))
    out.append("    </parent>\n")
    out.append('    <installerAssembly name="Microsoft-Windows-ServicingStack" version="6.0.0.0" language="neutral" '
               'processorArchitecture="%s" versionScope="nonSxS" publicKeyToken="%s" />\n' % (arch, TOKEN))
    for i, (kind, target, extra) in enumerate(updates):
        out.append('    <update name="%s-%d_neutral_%s">\n' % (kb, i + 1, "PACKAGE" if kind == "package" else "GDR"))
        if kind == "component":
            out.append('      <applicable disposition="staged">\n        <updateComponent elevate="distribution">\n')
            out.append(ident_xml(extra, "          "))
            out.append("        </updateComponent>\n      </applicable>\n      <component>\n")
            out.append(ident_xml(target, "        ") + "      </component>\n")
        elif kind == "driver":
            out.append('      <applicable disposition="staged">\n        <updateDriver elevate="distribution">\n')
            out.append(ident_xml(target, "          "))
            out.append('        </updateDriver>\n      </applicable>\n      <driver inf="%s" ranking="currentDevices">\n'
                       % target["name"])
            out.append(ident_xml(target, "        ") + "      </driver>\n")
        else:
            out.append('      <package integrate="hidden">\n')
            out.append(ident_xml(target, "        ", order=("name", "version", "language", "processorArchitecture",
                                                               "publicKeyToken")))
            out.append("      </package>\n")
        out.append("    </update>\n")
    if top:
        out.append('    <mum2:packageExtended xmlns:mum2="urn:schemas-microsoft-com:asm.v3" '
                   'completelyOfflineCapable="yes" packageSize="%d" />\n' % r.randint(10**5, 10**7))
    out.append("  </package>\n</assembly>")
    bom = "\ufeff" if top else ""
    return ident, bom + "".join(out)


def write(outdir, fname, text):
    # CR LF line ends, as in every real manifest
    with open(os.path.join(outdir, fname), "w", encoding="utf-8", newline="\r\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=4000, help="about how many files (default 4000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("outdir")
    a = ap.parse_args()
    r = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    n = 0
    kbn = 0
    while n < a.count:
        kbn += 1
        kb = str(2900000 + kbn)
        arch = r.choice(ARCHS)
        ver = version(r)
        subs = []
        for p in range(r.randint(1, 6)):
            comp, ctext = component(r, arch, ver)
            write(a.outdir, keyform(comp) + ".manifest", ctext)
            dep, dtext = deployment(r, arch, ver, comp)
            write(a.outdir, keyform(dep) + ".manifest", dtext)
            pname = "Package_%d_for_KB%s" % (p + 1, kb)
            kind = "driver" if r.random() < 0.1 else "component"
            if kind == "driver":
                drv = comp_ident(r, r.choice(WORDS) + ".inf", arch, ver, type="driverUpdate")
                updates = [("driver", drv, None)]
            else:
                updates = [("component", dep, comp)]
            pid, ptext = package(r, arch, kb, pname, updates)
            write(a.outdir, "%s~%s~%s~~6.3.1.0.mum" % (pname, TOKEN, arch), ptext)
            subs.append(("package", pid, None))
            n += 3
        _, ttext = package(r, arch, kb, "Package_for_KB" + kb, subs, top=True)
        write(a.outdir, "Package_for_KB%s~%s~%s~~6.3.1.0.mum" % (kb, TOKEN, arch), ttext)
        n += 1


if __name__ == "__main__":
    main()
