mumtool name: parse, key, check.  Expected pseudo-keys are the seed
article's names or tools/pseudokey.py's (an independent implementation).

Package names: fields, and an empty language field means neutral.

  $ mumtool name parse "Package_for_kb943650_client~31bf3856ad364e35~amd64~~6.0.1.0.mum"
  Package_for_kb943650_client~31bf3856ad364e35~amd64~~6.0.1.0.mum
    kind                   package
    name                   Package_for_kb943650_client
    publicKeyToken         31bf3856ad364e35
    processorArchitecture  amd64
    language               neutral (empty field)
    version                6.0.1.0
    extension              .mum

Keyforms as JSON; the architecture is kept as written (the KB article
capitalises it).

  $ mumtool name parse --json Amd64_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_0fb2ad4337efb9ad.manifest
  [
    {
      "input": "Amd64_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_0fb2ad4337efb9ad.manifest",
      "kind": "component",
      "processorArchitecture": "Amd64",
      "name": "microsoft-windows-tcpip-binaries",
      "nameTruncated": false,
      "publicKeyToken": "31bf3856ad364e35",
      "version": "6.0.6001.22222",
      "culture": "none",
      "cultureTruncated": false,
      "pseudoKey": "0fb2ad4337efb9ad",
      "extension": ".manifest",
      "findings": []
    }
  ]

An unknown architecture is a finding quoting the text; a keyform with too
few fields is name.malformed with its column.  Exit 1.

  $ mumtool name parse "Foo~31bf3856ad364e35~x64~~6.0.1.0.mum" x86_foo_31bf3856ad364e35_none.manifest
  Foo~31bf3856ad364e35~x64~~6.0.1.0.mum
    kind                   package
    name                   Foo
    publicKeyToken         31bf3856ad364e35
    processorArchitecture  x64
    language               neutral (empty field)
    version                6.0.1.0
    extension              .mum
  Foo~31bf3856ad364e35~x64~~6.0.1.0.mum: error: processorArchitecture "x64" is not one of x86, amd64, ia64, wow64, arm, arm64, msil, neutral, * [identity.unknown-architecture] (Windows: 0x800f081b)
  x86_foo_31bf3856ad364e35_none.manifest
  x86_foo_31bf3856ad364e35_none.manifest:1:30: error: a keyform has at least 5 '_'-separated fields (arch_name_publicKeyToken[_version]_culture_pseudokey), this one has 4 [name.malformed]
  [1]

  $ mumtool name parse --json "Foo~31bf3856ad364e35~x86~6.0.1.0.mum"
  [
    {
      "input": "Foo~31bf3856ad364e35~x86~6.0.1.0.mum",
      "kind": "invalid",
      "error": {
        "message": "a package name has 5 '~'-separated fields (name~publicKeyToken~processorArchitecture~language~version), this one has 4",
        "column": 33
      },
      "findings": [
        {
          "rule": "name.malformed",
          "severity": "error",
          "location": {
            "input": "Foo~31bf3856ad364e35~x86~6.0.1.0.mum",
            "line": 1,
            "column": 33
          },
          "message": "a package name has 5 '~'-separated fields (name~publicKeyToken~processorArchitecture~language~version), this one has 4"
        }
      ]
    }
  ]
  [1]

Keys.  Options may follow the attributes.

  $ mumtool name key name=Microsoft-Windows-TCPIP-Binaries version=6.0.6001.22222 processorArchitecture=amd64 publicKeyToken=31bf3856ad364e35 versionScope=nonSxS --no-version
  amd64_microsoft-windows-tcpip-binaries_31bf3856ad364e35_none_07173fe9520f079a

  $ mumtool name key --json name=Microsoft-Windows-NetIO-Infrastructure version=6.0.6001.22222 arch=wow64 token=31bf3856ad364e35 scope=nonSxS
  {
    "identity": {
      "name": "Microsoft-Windows-NetIO-Infrastructure",
      "version": "6.0.6001.22222",
      "processorArchitecture": "wow64",
      "publicKeyToken": "31bf3856ad364e35",
      "versionScope": "nonSxS"
    },
    "keyform": "wow64_microsoft-windows-netio-infrastructure_31bf3856ad364e35_6.0.6001.22222_none_bd84b218bb37c211",
    "pseudoKey": "bd84b218bb37c211",
    "versionlessKeyform": "wow64_microsoft-windows-netio-infrastructure_31bf3856ad364e35_none_45ffc85044c7de34",
    "findings": []
  }

A bad value still gives the key (Windows would hash it too), with the
finding on standard error and exit 1.

  $ mumtool name key name=Foo version=1.2.3.4 arch=x86 token=31BF3856AD36 2>&1
  (command line): error: publicKeyToken "31BF3856AD36" is not 16 hexadecimal digits [identity.bad-token] (Windows: 0x800f080d)
  x86_foo_31bf3856ad36_1.2.3.4_none_c6abc367ee922701
  [1]

  $ mumtool name key version=1.2.3.4 2>&1
  mumtool: name key: name=... is required
  Try 'mumtool name --help'.
  [2]

  $ mumtool name key name=Foo colour=blue 2>&1
  mumtool: name key: unknown attribute 'colour'
  Try 'mumtool name --help'.
  [2]

  $ mumtool name key --package name=Foo arch=x86 2>&1
  mumtool: name key --package: name, publicKeyToken, processorArchitecture and version are required
  Try 'mumtool name --help'.
  [2]

Checks: a truncated name cannot be confirmed (information, exit 0); a type
other than the default is found and named.

  $ mumtool name check amd64_microsoft-windows-s..ngstack-onecorebase_31bf3856ad364e35_10.0.19041.1_none_e010f05a588e56e1 x86_microsoft-windows-foo_31bf3856ad364e35_6.1.7600.16385_none_66374157f4ab960d
  amd64_microsoft-windows-s..ngstack-onecorebase_31bf3856ad364e35_10.0.19041.1_none_e010f05a588e56e1: cannot confirm: the name is truncated, the full name is needed
  x86_microsoft-windows-foo_31bf3856ad364e35_6.1.7600.16385_none_66374157f4ab960d: confirmed: versionScope=(absent), type=win32

A key one digit off: "cannot confirm", a warning, exit 1.

  $ mumtool name check x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_b39411bf7f924878 "Package_1_for_kb943650~31bf3856ad364e35~x86~~6.0.1.0.mum"
  x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_b39411bf7f924878: cannot confirm: none of the 8 common versionScope/type cases gives b39411bf7f924878
  Package_1_for_kb943650~31bf3856ad364e35~x86~~6.0.1.0.mum: not-applicable: a package name carries no pseudo-key
  [1]

  $ mumtool name check --json x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_b39411bf7f924878
  [
    {
      "input": "x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_b39411bf7f924878",
      "kind": "component",
      "verdict": "cannot-confirm",
      "detail": "none of the 8 common versionScope/type cases gives b39411bf7f924878",
      "findings": [
        {
          "rule": "name.key-unconfirmed",
          "severity": "warning",
          "location": {
            "input": "x86_microsoft-windows-tcpip-binaries_31bf3856ad364e35_6.0.6001.22222_none_b39411bf7f924878"
          },
          "message": "cannot confirm pseudo-key: none of the 8 common versionScope/type cases gives b39411bf7f924878"
        }
      ]
    }
  ]
  [1]

Names from standard input: comments, blank lines, indentation and CRLF are
fine.

  $ printf '# a comment\n\n  Wow64_microsoft-windows-netio-infrastructure_31bf3856ad364e35_6.0.6001.22222_none_bd84b218bb37c211.manifest\r\n' | mumtool name check -
  Wow64_microsoft-windows-netio-infrastructure_31bf3856ad364e35_6.0.6001.22222_none_bd84b218bb37c211.manifest: confirmed: versionScope=nonSxS, type=(absent)
