mumtool info: what a package is.  Inputs: tests/fixtures/containers/
(made by make-fixtures.py).  The Authenticode digests of sigfake.cab were
checked with Python over bytes 0-3, 8-33 and 56 up to the signature; the
real signatures are held against osslsigncode in tests/cli/cab-signature.sh.

A small .msu: UTF-16 properties, the unattend file, the update cabinet:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info Windows6.1-KB9999999-x64.msu
  input:         Windows6.1-KB9999999-x64.msu
  kind:          msu
  kb:            KB9999999
  architecture:  amd64
  properties:    (Windows6.1-KB9999999-x64-pkgProperties.txt)
    ApplicabilityInfo          Windows 7.0 Client;
    Applies to                 Windows 6.1
    Build Date                 2020/01/02
    Company                    Test Company
    KB Article Number          9999999
    Package Type               Hotfix
    Processor Architecture     amd64
    Product Name               Windows 6.1
  unattend:      (Windows6.1-KB9999999-x64.xml)
    install Package_for_KB9999999 6.1.1.0 amd64 neutral 31bf3856ad364e35
      source %configsetroot%\Windows6.1-KB9999999-x64.CAB
  cabinets:
    (input)
      signature      none
    Windows6.1-KB9999999-x64.cab
      signature      none
  contents of Windows6.1-KB9999999-x64.cab:
    packages 2, catalogs 2, manifests 1, payloads 1

A signature is found, located and digested; its 16 stand-in bytes are no
PKCS#7 signature (tests/cli/cab-signature.sh verifies real ones against
osslsigncode):

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info sigfake.cab
  input:         sigfake.cab
  kind:          cabinet
  kb:            (unknown)
  architecture:  (unknown)
  cabinets:
    (input)
      signature      present at offset 165, 16 bytes: malformed
      cabinet sha1   fdf4b6e86cd51141e0c2780b2619116e6e772010
      cabinet sha256 dca0c76e92e78b7951ffa1a875b435be079bd79cff48fa1d78bd52dbb4a6c534
  sigfake.cab: at offset 165: error: the cabinet's signature: not a PKCS#7 signature: a malformed tag or length [container.signature-malformed]
  [1]

The same as JSON:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info --json sigfake.cab
  {
    "input": "sigfake.cab",
    "kind": "cabinet",
    "kb": null,
    "architectures": [],
    "properties": null,
    "unattend": null,
    "containers": [
      {
        "path": "",
        "type": "cabinet",
        "entries": 2,
        "signature": {
          "present": true,
          "status": "malformed",
          "offset": 165,
          "length": 16,
          "sha1": "fdf4b6e86cd51141e0c2780b2619116e6e772010",
          "sha256": "dca0c76e92e78b7951ffa1a875b435be079bd79cff48fa1d78bd52dbb4a6c534"
        }
      }
    ],
    "findings": [
      {
        "rule": "container.signature-malformed",
        "severity": "error",
        "location": {
          "input": "sigfake.cab",
          "offset": 165
        },
        "message": "the cabinet's signature: not a PKCS#7 signature: a malformed tag or length"
      }
    ]
  }
  [1]

An express cabinet: every index file mapped to what the cabinet holds:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info express.cab
  input:         express.cab
  kind:          express cabinet
  kb:            (unknown)
  architecture:  (unknown)
  cabinets:
    (input)
      signature      none
  contents of (input) (express):
    packages 1, catalogs 0, manifests 0, payloads 3
  express index of (input): 4 files: stored 1, delta only 2, copies 1, missing 0
    stored                33  update.mum  [RAW, hash ok]
    delta only          5000  comp_a\payload.dll  [PA30 blob 0, hash ok] target 5000 bytes
    copy of basis       5000  comp_b\payload.dll  = basis 2
    delta only            77  comp_a\other.txt  [PA30 blob 1, hash ok] target 77 bytes, basis 2

Every express rule, broken once (the loop of copies twice):

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info express-bad.cab
  input:         express-bad.cab
  kind:          express cabinet
  kb:            (unknown)
  architecture:  (unknown)
  cabinets:
    (input)
      signature      none
  express index of (input): 12 files: stored 2, delta only 4, copies 1, missing 5
    delta only          5000  comp_a\payload.dll  [PA30 blob 0] target 5000 bytes
    delta only            78  comp_a\other.txt  [PA30 blob 1, hash ok] target 77 bytes
    delta only            13  comp_a\third.txt  [PA30 blob 6, hash ok] target 13 bytes
    delta only            10  comp_a\fifth.bin  [PA30 blob 5, hash ok]
    missing               10  comp_a\missing.bin
    missing               10  comp_c\orphan.bin
    missing               10  comp_c\loop1.bin, basis 12
    missing               10  comp_c\loop2.bin, basis 11
    copy of basis       5001  comp_b\payload.dll  = basis 2
    missing                1  comp_c\nothing.bin
    stored                 9  raw.txt  [RAW, hash ok]
    stored                 9  dup-id.txt  [RAW blob raw.txt, hash ok]
  express-bad.cab!_manifest_.cix.xml:2: error: the id 15 is given to more than one file [express.duplicate-id]
  express-bad.cab!_manifest_.cix.xml:2: error: the basis of comp_c\orphan.bin names file id 99, which the index does not have: comp_c\orphan.bin <- basis 99 (not in the index) [express.bad-basis] (Windows: 0x800f081f)
  express-bad.cab!_manifest_.cix.xml:2: error: the basis references through comp_c\loop1.bin (id 11) form a loop: comp_c\loop1.bin <- basis 12 <- basis 11 (a loop) [express.bad-basis] (Windows: 0x800f081f)
  express-bad.cab!0: error: the sha256 of the blob is e7c4bcd749a35a3dd1ee73487d7d36ef005a40af9d1fa423b88d9568bdeea9a3; the index (source of comp_a\payload.dll) says 8810ad581e59f2bc3928b261707a71308f7e139eb04820366dc4d5c18d980225 [express.blob-hash-mismatch] (Windows: 0x800b0100)
  express-bad.cab!1: error: the delta makes 77 bytes; the index gives comp_a\other.txt 78 [express.pa30-size-mismatch] (Windows: 0x800f081f)
  express-bad.cab!6: error: the delta's target sha256 differs from the index's hash of comp_a\third.txt [express.pa30-hash-mismatch] (Windows: 0x800f081f)
  express-bad.cab!5: error: PA30 header at offset 0: no "PA30" signature (the delta of comp_a\fifth.bin) [express.pa30-malformed] (Windows: 0x800f081f)
  express-bad.cab!_manifest_.cix.xml:2: error: the PA30 source "9" of comp_a\missing.bin is not in the cabinet [express.missing-blob] (Windows: 0x800f081f)
  express-bad.cab!_manifest_.cix.xml:2: error: comp_b\payload.dll has no source of its own, but its length or hash differs from its basis comp_a\payload.dll [express.copy-mismatch] (Windows: 0x800f081f)
  express-bad.cab!_manifest_.cix.xml:2: error: comp_c\nothing.bin has neither a source nor a basis [express.no-source] (Windows: 0x800f081f)
  express-bad.cab!_manifest_.cix.xml:2: error: the RAW source of raw.txt has a hash other than the file's [express.raw-mismatch] (Windows: 0x800b0100)
  express-bad.cab!7: warning: no file of the index comes from this entry [express.unmapped-blob]
  [1]

A cut signature: the file is corrupt, so info cannot finish (exit 3): it
shows what it read before the cut, the signature the header promises as
incomplete, then the message naming the file and where it ends:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info sigtrunc.cab 2>&1
  input:         sigtrunc.cab
  kind:          cabinet
  kb:            (unknown)
  architecture:  (unknown)
  cabinets:
    (input)
      signature      present at offset 165, 64 bytes: incomplete
  mumtool: sigtrunc.cab: at offset 209: truncated: the file ends at 209 inside the cabinet's signature, which should end at 229
  [3]

Errors:

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info make-fixtures.py 2>&1
  mumtool: make-fixtures.py: at offset 0: not a cabinet, an .msu or a folder (no "MSCF" signature)
  [3]

  $ mumtool info 2>&1
  mumtool: info: no INPUT given
  Try 'mumtool info --help'.
  [2]

  $ mumtool info --trust 2>&1
  mumtool: info: --trust needs a PEM file
  Try 'mumtool info --help'.
  [2]

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info --trust nothing.pem plain.cab 2>&1
  mumtool: nothing.pem: cannot open: No such file or directory
  [3]

  $ cd "$SRCDIR/tests/fixtures/containers" && mumtool info --trust plain.cab plain.cab 2>&1
  mumtool: plain.cab: no PEM certificate in it
  [3]

A folder: the .msu extracted (its cabinet became a folder):

  $ mkdir pkg && mumtool extract "$SRCDIR/tests/fixtures/containers/Windows6.1-KB9999999-x64.msu" -C pkg && mumtool info pkg | sed 1d
  kind:          folder
  kb:            KB9999999
  architecture:  amd64
  properties:    (Windows6.1-KB9999999-x64-pkgProperties.txt)
    ApplicabilityInfo          Windows 7.0 Client;
    Applies to                 Windows 6.1
    Build Date                 2020/01/02
    Company                    Test Company
    KB Article Number          9999999
    Package Type               Hotfix
    Processor Architecture     amd64
    Product Name               Windows 6.1
  unattend:      (Windows6.1-KB9999999-x64.xml)
    install Package_for_KB9999999 6.1.1.0 amd64 neutral 31bf3856ad364e35
      source %configsetroot%\Windows6.1-KB9999999-x64.CAB
  contents of (input):
    packages 2, catalogs 2, manifests 1, payloads 3

