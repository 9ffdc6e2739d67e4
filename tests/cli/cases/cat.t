mumtool cat: security catalogs.  The digests below are those of the text
"hello\n" (sha1 f572d396..., sha256 5891b5b5..., as sha1sum and sha256sum
print them); real catalogs are checked against osslsigncode in
tests/cli/catalog-realdata.sh.

Usage errors (exit 2): a missing file, an option of another subcommand.

  $ mumtool cat 2>&1
  mumtool: cat: give one FILE.cat (or a subcommand: verify, check, hash, create)
  Try 'mumtool cat --help'.
  [2]

  $ mumtool cat --trust x.pem a.cat 2>&1
  mumtool: cat: '--trust' goes with 'cat verify'
  Try 'mumtool cat --help'.
  [2]

  $ mumtool cat check --v1 a.cat b 2>&1
  mumtool: cat check: '--v1' goes with 'cat create'
  Try 'mumtool cat --help'.
  [2]

  $ mumtool cat verify --trust 2>&1
  mumtool: cat verify: unknown option or missing argument '--trust'
  Try 'mumtool cat --help'.
  [2]

Inputs that cannot be read or are not catalogs (exit 3), with the offset
where the structure breaks.

  $ mumtool cat nothere.cat 2>&1
  mumtool: nothere.cat: cannot open: No such file or directory
  [3]

  $ printf 'hello\n' > hello.txt && mumtool cat create -o h.cat --time 2024-01-01 hello.txt && head -c 300 h.cat > cut.cat && mumtool cat cut.cat 2>&1
  mumtool: cut.cat: at offset 0: not a PKCS#7 signature: an element of 360 bytes runs past the end of the data (296 bytes left)
  [3]

A v2 catalog lists a file twice, by SHA-256 with its attributes and by
SHA-1; as JSON.

  $ printf 'hello\n' > hello.txt && mumtool cat create -o h.cat --time 2024-01-01 --list-id 00112233445566778899aabbccddeeff hello.txt && mumtool cat --json h.cat
  {
    "input": "h.cat",
    "version": 2,
    "subjectAlgorithm": "1.3.6.1.4.1.311.12.1.3",
    "listId": "00112233445566778899aabbccddeeff",
    "sequenceNumber": null,
    "thisUpdate": "2024-01-01T00:00:00Z",
    "nextUpdate": null,
    "attributes": [],
    "signed": false,
    "signers": [],
    "certificates": [],
    "members": [
      {
        "tag": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
        "digest": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
        "algorithm": "sha256",
        "kind": "flat",
        "dataType": "1.3.6.1.4.1.311.2.1.25",
        "sipGuid": null,
        "memberInfo2": 2,
        "offset": 117,
        "attributes": [
          {
            "name": "File",
            "flags": "0x10010001",
            "value": "hello.txt"
          }
        ]
      },
      {
        "tag": "f572d396fae9206628714fb2ce00f72e94f2258f",
        "digest": "f572d396fae9206628714fb2ce00f72e94f2258f",
        "algorithm": "sha1",
        "kind": "flat",
        "dataType": null,
        "sipGuid": null,
        "memberInfo2": 2,
        "offset": 318,
        "attributes": []
      }
    ],
    "findings": []
  }

A v1 catalog: one member tagged with the hex text of the SHA-1, and the
flat-file SIP.

  $ printf 'hello\n' > hello.txt && mumtool cat create -o h.cat --v1 --time 2024-01-01 --list-id 0011 --attr OSAttr=2:6.1 hello.txt && mumtool cat h.cat
  h.cat
    format       v1 (1.3.6.1.4.1.311.12.1.2)
    list id      0011
    this update  2024-01-01T00:00:00Z
    signed       no
    attributes   OSAttr=2:6.1
    members      1
       1  f572d396fae9206628714fb2ce00f72e94f2258f  sha1 flat  File=hello.txt

Membership: by which digest a file is listed; a file that is not, and the
member that matches nothing given (exit 1).

  $ printf 'hello\n' > hello.txt && mumtool cat create -o h.cat --time 2024-01-01 hello.txt && mumtool cat check --json h.cat hello.txt
  {
    "catalog": "h.cat",
    "files": [
      {
        "input": "hello.txt",
        "member": true,
        "matches": [
          {
            "member": 1,
            "how": "sha256",
            "digest": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
          },
          {
            "member": 2,
            "how": "sha1",
            "digest": "f572d396fae9206628714fb2ce00f72e94f2258f"
          }
        ]
      }
    ],
    "findings": []
  }

  $ printf 'hello\n' > hello.txt && printf 'other\n' > other.txt && mumtool cat create -o h.cat --v1 --time 2024-01-01 --no-file-names hello.txt && mumtool cat check h.cat other.txt
  other.txt: error: not listed in h.cat (no member has its SHA-1 or SHA-256 digests) [catalog.not-member] (Windows: 0x800b0100)
  h.cat: at offset 118: info: member 1 (flat sha1 f572d396fae9206628714fb2ce00f72e94f2258f) matches none of the files given [catalog.member-unmatched]
  [1]

Digests of a file that is not a PE file (an "MZ" alone is not one).

  $ mumtool cat hash --json /dev/null
  [
    {
      "input": "/dev/null",
      "pe": false,
      "sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    }
  ]

  $ printf 'MZ' > bad.dll && mumtool cat hash bad.dll
  bad.dll
    sha1                 439baa1b33514fb81632aaf44d16a9378c5664fc
    sha256               9b8db510ef42b8ed54a3712636fda55a4f8cfcd5493e20b74ab00cd4f3979f2d

A real catalog, taken out of its cabinet: trusted by the built-in anchors
(Microsoft Root Certificate Authority 2011), the chain evaluated at its
RFC 3161 timestamp's time; with --no-default-trust there are no anchors, and
it is intact and signed-untrusted, which is not a failure (exit 0).

#requires: realdata
  $ cabextract -q -F update.cat "$REALDATA/msu/Windows8.1-KB2938772-x64.cab" && mumtool cat update.cat
  update.cat
    format       v2 (1.3.6.1.4.1.311.12.1.3)
    list id      7ddc1dbc6ece61469c6e59f0548c7856
    this update  2014-03-04T23:15:55Z
    signed by    CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
    attributes   OSAttr=2:5.1,2:5.2,2:6.0,2:6.1,2:6.2,2:6.3
    members      2
       1  1b978f42e414a220ab04dd03b226cf2d92e66d85  sha1 flat
       2  d23e2f271e2fcf4f81ff76edfc0809c57c8d1c6f4e117bb2657538335fbb8328  sha256 flat

  $ cabextract -q -F update.cat "$REALDATA/msu/Windows8.1-KB2938772-x64.cab" && mumtool cat verify update.cat
  update.cat: trusted
    signer         CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
    issuer         CN=Microsoft Windows Production PCA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
    serial         330000002418FC0B689E7399D0000000000024
    digest         sha256
    timestamp      2014-03-04T23:17:39Z (rfc3161 by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:31C5-30BA-7C91,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
    chain          intact (4 certificate signatures checked)
    integrity      ok
    evaluated at   2014-03-04T23:17:39Z (timestamp)
    trust          trusted

  $ cabextract -q -F update.cat "$REALDATA/msu/Windows8.1-KB2938772-x64.cab" && mumtool cat verify --no-default-trust update.cat
  update.cat: signed-untrusted
    signer         CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
    issuer         CN=Microsoft Windows Production PCA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
    serial         330000002418FC0B689E7399D0000000000024
    digest         sha256
    timestamp      2014-03-04T23:17:39Z (rfc3161 by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:31C5-30BA-7C91,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
    chain          intact (2 certificate signatures checked)
    integrity      ok
    trust          not evaluated: no trust anchors were given (--trust)
  update.cat: info: signed by 'CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US', integrity verified; no trust anchors were given, so the certificate chain was not evaluated [signature.no-anchors]
