"""The .mum, .manifest, unattend .xml and -pkgProperties.txt texts, shaped
like the real files of ../shared/realdata (CRLF line ends, attribute order,
namespaces, the asm.v2 hash element)."""

import base64
import hashlib
import re

from model import BUILD_TIME, KB, PKT, PARENT_VERSION

ASM_V3 = "urn:schemas-microsoft-com:asm.v3"


def identity(name, version, arch, scope=True, build_type=True, indent="  "):
    attrs = 'name="%s" version="%s" processorArchitecture="%s" language="neutral"' % (name, version, arch)
    if build_type:
        attrs += ' buildType="release"'
    attrs += ' publicKeyToken="%s"' % PKT
    if scope:
        attrs += ' versionScope="nonSxS"'
    return '%s<assemblyIdentity %s />' % (indent, attrs)


def package_identity(name, version, arch, indent):
    return ('%s<assemblyIdentity name="%s" version="%s" language="neutral" '
            'processorArchitecture="%s" publicKeyToken="%s" />' % (indent, name, version, arch, PKT))


def crlf(lines):
    return ("\r\n".join(lines)).encode("utf-8")


def mum(pkg, fam):
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<assembly xmlns="%s" manifestVersion="1.0" description="Fix for KB%s" displayName="default" '
        'company="Microsoft Corporation" copyright="Microsoft Corporation" '
        'supportInformation="http://support.microsoft.com/?kbid=%s" creationTimeStamp="%s" '
        'lastUpdateTimeStamp="%s">' % (ASM_V3, KB, KB, BUILD_TIME, BUILD_TIME),
        package_identity(pkg.name, pkg.version, pkg.arch, "  "),
        '  <package identifier="KB%s" %sreleaseType="Hotfix" restart="required">'
        % (KB, 'applicabilityEvaluation="deep" ' if pkg.visible else ""),
    ]
    if pkg.parents:
        lines.append('    <parent buildCompare="EQ" serviceCompare="GE" integrate="separate" disposition="detect">')
        for p in pkg.parents:
            lines.append('      <assemblyIdentity name="%s" version="%s" processorArchitecture="%s" '
                         'language="neutral" buildType="release" publicKeyToken="%s" />'
                         % (p, PARENT_VERSION, pkg.arch, PKT))
        lines.append('    </parent>')
    lines.append('    <installerAssembly name="Microsoft-Windows-ServicingStack" version="6.0.0.0" '
                 'language="neutral" processorArchitecture="%s" versionScope="nonSxS" '
                 'publicKeyToken="%s" />' % (pkg.arch, PKT))
    for uname, kind, name, arch, version, applicable in pkg.updates:
        lines.append('    <update name="%s">' % uname)
        if kind == "package":
            lines.append('      <package integrate="hidden">')
            lines.append(package_identity(name, version, arch, "        "))
            lines.append('      </package>')
        else:
            if applicable:
                aname, aarch = applicable
                target = fam.component(aname, aarch)
                lines.append('      <applicable disposition="staged">')
                lines.append('        <updateComponent elevate="distribution">')
                lines.append(identity(aname, target.version if target else version, aarch,
                                      indent="          "))
                lines.append('        </updateComponent>')
                lines.append('      </applicable>')
            lines.append('      <component>')
            lines.append(identity(name, version, arch, indent="        "))
            lines.append('      </component>')
        lines.append('    </update>')
    lines += ['  </package>', '</assembly>']
    return crlf(lines)


def digest_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def manifest(comp, payloads):
    """payloads: file name -> bytes (for the digests)."""
    lines = [
        '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
        '<assembly xmlns="%s" manifestVersion="1.0" copyright="Copyright (c) Microsoft Corporation. '
        'All Rights Reserved.">' % ASM_V3,
        identity(comp.name, comp.version, comp.arch),
    ]
    if comp.deployment:
        lines.append('  <deployment />')
    for name, arch, version in comp.deps:
        lines += [
            '  <dependency discoverable="false">',
            '    <dependentAssembly dependencyType="install">',
            identity(name, version, arch, indent="      "),
            '    </dependentAssembly>',
            '  </dependency>',
        ]
    for fname, _desc, pe_arch in comp.files:
        dest = "$(runtime.drivers)\\" if fname.lower().endswith(".sys") else "$(runtime.system32)\\"
        if comp.arch == "wow64":
            dest = "$(runtime.system32)\\"  # the WOW64 redirector maps it to SysWOW64
        lines += [
            '  <file name="%s" destinationPath="%s" sourceName="%s" sourcePath=".\\" '
            'importPath="$(build.nttree)\\">' % (fname.lower(), dest, fname.lower()),
            '    <securityDescriptor name="WRP_FILE_DEFAULT_SDDL" />',
            '    <asmv2:hash xmlns:asmv2="urn:schemas-microsoft-com:asm.v2">',
            '      <dsig:Transforms xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">',
            '        <dsig:Transform Algorithm="urn:schemas-microsoft-com:HashTransforms.Identity" />',
            '      </dsig:Transforms>',
            '      <dsig:DigestMethod xmlns:dsig="http://www.w3.org/2000/09/xmldsig#" '
            'Algorithm="http://www.w3.org/2000/09/xmldsig#sha256" />',
            '      <dsig:DigestValue xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">%s</dsig:DigestValue>'
            % digest_b64(payloads[fname]),
            '    </asmv2:hash>',
            '  </file>',
        ]
    lines.append('</assembly>')
    return crlf(lines)


def unattend(top_name, arch, cab_name):
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<unattend xmlns="urn:schemas-microsoft-com:unattend">',
        '    <servicing>',
        '        <package action="install">',
        '            <assemblyIdentity  name="%s" version="6.0.1.0" language="neutral" '
        'processorArchitecture="%s" publicKeyToken="%s"/>' % (top_name, arch, PKT),
        '            <source location="%%configsetroot%%\\%s" />' % cab_name,
        '        </package>',
        '     </servicing>',
        '</unattend>',
        '',
    ]
    return crlf(lines)


def pkg_properties(arch, msu_arch):
    applies = "Windows Vista" if arch != "ia64" else "Windows Server 2008"
    lines = [
        'ApplicabilityInfo="Windows Vista SP1;Windows Server 2008;"',
        'Applies to="%s"' % applies,
        'Build Date="2008/07/15"',
        'Company="Microsoft Corporation"',
        'File Version="1"',
        'Installation Type="FULL"',
        'Installer Engine="Component Based Servicing - WUSA.exe"',
        'Installer Version="6.0.0.0"',
        'KB Article Number="%s"' % KB,
        'Language="ALL"',
        'Package Type="Hotfix"',
        'Processor Architecture="%s"' % arch,
        'Product Name="%s"' % applies,
        'Support Link="http://support.microsoft.com?kbid=%s"' % KB,
        '',
    ]
    return crlf(lines)


def mof_text(arch, salt=b""):
    return crlf([
        "// Wfp.mof -- mumtool sample stand-in for the WFP WMI schema (%s)" % arch,
        "#pragma namespace(\"\\\\\\\\.\\\\root\\\\wmi\")",
        "[Dynamic, Provider(\"WMIProv\"), WMI, Description(\"Windows Filtering Platform\"),",
        " guid(\"{00e7ee66-5b24-4c41-afe8-a6eb2a5b1d9b}\")]",
        "class MSNT_WFP_Trace : EventTrace { };",
        "",
    ]) + salt


def tmf_text(arch, salt=b""):
    return crlf([
        "// Wfp.tmf -- mumtool sample stand-in for WFP trace message formats (%s)" % arch,
        "0a0bf8c7-6d0a-4f1e-8f3b-2c5e0b3e4a11 wfp // SRC=wfp.c MJ= MN=",
        "#typev wfp_c100 11 \"%0 filter %10!d! added\" //   LEVEL=4",
        "{",
        "filterId, ItemULong -- 10",
        "}",
        "",
    ]) + salt


def wsus_scan(fam, top):
    """A stand-in for the Windows Update scan metadata (mumtool ignores it)."""
    return crlf([
        '<?xml version="1.0" encoding="utf-8"?>',
        '<!-- mumtool sample stand-in: the real WSUSSCAN.cab holds Windows Update metadata -->',
        '<OfflineSyncPackage xmlns="http://schemas.microsoft.com/msus/2004/02/OfflineSync" '
        'MinimumClientVersion="5.8.0.2678" PackageVersion="1.1">',
        '  <Updates><Update Title="Hotfix for Windows (KB%s)" Package="%s" Architecture="%s" /></Updates>'
        % (KB, top, fam.arch),
        '</OfflineSyncPackage>',
        '',
    ])


def pad_text(data, size, comment=b"//"):
    """A text file padded to `size` bytes with comment lines of spaces
    (None: as it is)."""
    if size is None:
        return data
    need = size - len(data)
    if need < 0:
        raise ValueError("the text is %d bytes, more than the %d to pad it to" % (len(data), size))
    if need == 0:
        return data
    if not data.endswith(b"\r\n"):
        data, need = data + b"\r\n", need - 2
    lines, rest = divmod(need, 80)
    shortest = len(comment) + 2
    out = [comment + b" " * (80 - shortest) + b"\r\n"] * lines
    if rest:
        if rest >= shortest:
            out.append(comment + b" " * (rest - shortest) + b"\r\n")
        elif out:  # too short for a line of its own: the last line takes it
            out[-1] = comment + b" " * (80 + rest - shortest) + b"\r\n"
        else:
            out.append(b" " * rest)
    return data + b"".join(out)


# What a text longer than the article's size loses, in this order, until it
# fits: its indentation, then optional attributes (of the XML declaration and
# of the root <assembly>; never of an identity).
_SHRINK = [
    lambda d: b"\r\n".join(line.lstrip(b" ") for line in d.split(b"\r\n")),
    lambda d: d.replace(b' standalone="yes"', b"", 1),
] + [
    (lambda attr: lambda d: re.sub(rb'(<assembly [^>]*?) ' + attr + rb'="[^"]*"', rb"\1", d, count=1))(a)
    for a in (b"lastUpdateTimeStamp", b"supportInformation", b"copyright", b"displayName", b"company",
              b"description")
]


def fit_xml(data, size):
    """A .mum or .manifest made exactly `size` bytes (None: as it is): a
    comment of spaces before the closing </assembly>; a text longer than
    that first loses what _SHRINK lists until it fits.  A size smaller than
    even that leaves the text as it is (none in KB943650)."""
    if size is None:
        return data
    for shrink in _SHRINK:
        if len(data) <= size:
            break
        data = shrink(data)
    if len(data) > size:
        return data
    need = size - len(data)
    end = data.rindex(b"</assembly>")
    if need == 0:
        return data
    if need < 9:  # no room for "<!---->\r\n": spaces
        pad = b" " * need
    else:
        body = need - 9
        lines = []
        while body > 0:
            n = min(body, 78)
            if body - n in (1,):  # never leave a lone byte for the last line
                n -= 1
            if n >= 2:
                lines.append(b" " * (n - 2) + b"\r\n")
            else:
                lines.append(b" " * n)
            body -= n
        pad = b"<!--" + b"".join(lines) + b"-->\r\n"
    return data[:end] + pad + data[end:]
