mumtool show: what .mum and .manifest files hold, and the findings.  The
fixtures are typed (tests/fixtures/manifest/README.md says how); the
expected digest is the SHA-256 of "abc" (FIPS 180-2), the expected keyform
in the name check is tools/pseudokey.py's.  Files are copied into the
scratch folder so the names in the output do not depend on where the tree is.

A clean component manifest and a clean package manifest: exit 0.

  $ cp "$SRCDIR"/tests/fixtures/manifest/* . && mv contoso-widget.manifest amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest && mumtool show amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest "Package_1_for_KB1000001~31bf3856ad364e35~amd64~~6.3.1.0.mum"
  amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest: component manifest
    identity     Contoso-Widget 1.2.3.4 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS
    dependency   prerequisite Contoso-Widget.Resources 1.2.3.4 amd64 * 31bf3856ad364e35 buildType=release (discoverable no, resourceType Resources)
    file         widget.dll -> $(runtime.system32)\
                 sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    registry     1 key, 2 values
    not modelled securityDescriptor, trustInfo
  Package_1_for_KB1000001~31bf3856ad364e35~amd64~~6.3.1.0.mum: package manifest
    identity     Package_1_for_KB1000001 6.3.1.0 amd64 neutral 31bf3856ad364e35
    package      KB1000001, releaseType Hotfix, restart possible
    parent       buildCompare EQ, serviceCompare EQ, integrate separate, disposition detect
                 Contoso-Foundation-Package 6.3.9600.16384 amd64 neutral 31bf3856ad364e35 buildType=release
    installer    Microsoft-Windows-ServicingStack 6.0.0.0 amd64 neutral 31bf3856ad364e35 versionScope=nonSxS
    update       1000001-1_neutral_GDR
      applicable (disposition staged)
        updateComponent  Contoso-Widget 1.2.3.4 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS (elevate distribution)
      component        0123456789abcdef0123456789abcdef 1.2.3.4 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS
    extended     completelyOfflineCapable yes, packageSize 4096

Findings, sorted by place: the name is not the keyform, a SHA-1-sized value
under a SHA-256 method, a value that is not base64, an unknown element
(information only).  Exit 1.

  $ cp "$SRCDIR"/tests/fixtures/manifest/broken-hash.manifest . && mumtool show broken-hash.manifest
  broken-hash.manifest: component manifest
    identity     Contoso-Widget 1.2.3.4 amd64 - 31bf3856ad364e35 versionScope=nonSxS
    file         widget.dll
                 (no valid digest)
    file         widget.inf
                 (no valid digest)
    not modelled frobnicate (unknown)
  broken-hash.manifest:3:3: error: file name "broken-hash.manifest" does not match the keyform of the identity, "amd64_contoso-widget_31bf3856ad364e35_1.2.3.4_none_d647602d3fb21d93.manifest" [manifest.name-mismatch] (Windows: 0x800f0818)
  broken-hash.manifest:5:5: error: the DigestValue of file "widget.dll" decodes to 20 bytes; a sha256 digest has 32 [manifest.digest-size] (Windows: 0x800f080d)
  broken-hash.manifest:11:5: error: the DigestValue of file "widget.inf" is not base64: "not base64!" [manifest.bad-digest] (Windows: 0x800f080d)
  broken-hash.manifest:16:3: info: <frobnicate> in <assembly> is not part of the manifest vocabulary; kept, not modelled [manifest.unknown-element]
  [1]

A renamed copy: no name check.

  $ cp "$SRCDIR"/tests/fixtures/manifest/broken-hash.manifest . && mumtool show --no-name-check broken-hash.manifest | grep -c name-mismatch
  0
  [1]

Standard input has no name to check; JSON is the whole model, with the
line and column of each part.

  $ printf '<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0"><assemblyIdentity name="Contoso-Widget" version="1.2.3.4" processorArchitecture="x86" publicKeyToken="31bf3856ad364e35"/><deployment/></assembly>' | mumtool show --json -
  [
    {
      "input": "-",
      "kind": "deployment",
      "assembly": {
        "manifestVersion": "1.0",
        "line": 1,
        "column": 1
      },
      "identity": {
        "name": "Contoso-Widget",
        "version": "1.2.3.4",
        "processorArchitecture": "x86",
        "publicKeyToken": "31bf3856ad364e35",
        "line": 1,
        "column": 74
      },
      "deployment": true,
      "dependencies": [],
      "files": [],
      "registryKeys": [],
      "otherElements": [],
      "findings": []
    }
  ]

Files that are not manifests: a one-line error naming file:line:column (or
the offset), exit 3.  Truncated, a DTD, the wrong namespace, a
delta-compressed manifest:

  $ printf '<?xml version="1.0"?>\n<assembly xmlns="urn:schemas-microsoft-com:asm.v3">\n  <assemblyIdentity name="x"' > cut.manifest && mumtool show cut.manifest 2>&1
  mumtool: cut.manifest:3:3: XML: unclosed token (the document is truncated)
  [3]

  $ printf '<?xml version="1.0"?>\n<!DOCTYPE assembly [<!ENTITY a "aaaa">]>\n<assembly/>' > dtd.manifest && mumtool show dtd.manifest 2>&1
  mumtool: dtd.manifest:2:20: a document type declaration (DOCTYPE assembly) is not allowed: manifests have no DTD
  [3]

  $ printf '<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0"/>' > v1.manifest && mumtool show v1.manifest 2>&1
  mumtool: v1.manifest:1:1: the root element <assembly> is in namespace "urn:schemas-microsoft-com:asm.v1"; a manifest's is in "urn:schemas-microsoft-com:asm.v3"
  [3]

  $ printf 'DCM\001PA30\000\000\000\000' > delta.manifest && mumtool show delta.manifest 2>&1
  mumtool: delta.manifest: at offset 0: a delta-compressed manifest (signature "DCM\x01"), not XML: it is read with Windows' base manifest, and none was given
  mumtool: note: 1 manifest is delta-compressed (DCM) and not read: give Windows' base manifest with --base-manifest FILE, --wcp wcp.dll or MUM_BASE_MANIFEST to read it
  [3]

The 129th nested element (column 52 + 127 * 11):

  $ printf '<assembly xmlns="urn:schemas-microsoft-com:asm.v3">' > d.manifest; i=0; while [ $i -lt 200 ]; do printf '<trustInfo>'; i=$((i+1)); done >> d.manifest; mumtool show d.manifest 2>&1
  mumtool: d.manifest:1:1449: elements nested deeper than 128
  [3]

One file that cannot be read does not stop the others; the exit status is
the worst.

  $ cp "$SRCDIR"/tests/fixtures/manifest/Package_1_for_KB1000001~31bf3856ad364e35~amd64~~6.3.1.0.mum renamed.mum && mumtool show missing.mum renamed.mum 2>&1 | grep -v '^  '
  mumtool: missing.mum: No such file or directory
  renamed.mum: package manifest
  renamed.mum:3:3: error: file name "renamed.mum" is not a package name; the identity names it "Package_1_for_KB1000001~31bf3856ad364e35~amd64~~6.3.1.0.mum" [manifest.name-mismatch] (Windows: 0x800f0818)

  $ mumtool show missing.mum > /dev/null 2>&1
  [3]

Usage errors: exit 2.

  $ mumtool show 2>&1
  mumtool: show: name at least one FILE
  Try 'mumtool show --help'.
  [2]

  $ mumtool show --frobnicate x 2>&1
  mumtool: show: unknown option '--frobnicate'
  Try 'mumtool show --help'.
  [2]
