#requires: realdata
mumtool info and ls on the real packages of ../shared/realdata/msu.  The
Authenticode SHA-1 digests are the "Calculated message digest" lines of
`osslsigncode verify` on the .msu and on the cabinets cabextract takes out
of it, the signed digests its "Current message digest" lines, the serial
numbers and countersignature times its "Serial" and "Timestamp time" lines
(checked by hand, and verdicts and digests by tests/cli/cab-signature.sh on
every run); the built-in anchors trust them, each chain evaluated at its
countersignature's time (its roots expired in 2020 and 2021).  The KB2938772 cabinets are unsigned.  The express map was compared by hand
with _manifest_.cix.xml; every blob's SHA-1 with sha1sum.

The x64 KB2465285 .msu: properties, unattend, three signed cabinets, the
express map of the update cabinet:

  $ cd "$REALDATA/msu" && mumtool info Windows6.1-KB2465285-x64.msu
  input:         Windows6.1-KB2465285-x64.msu
  kind:          msu
  kb:            KB2465285
  architecture:  amd64
  properties:    (Windows6.1-KB2465285-x64-pkgProperties.txt)
    ApplicabilityInfo          Windows 7.0 Client SP1;Windows 7.0 Client;Windows 7.0 Embedded SP1;Windows 7.0 Embedded;Windows 7.0 Server SP1;Windows 7.0 Server;
    Applies to                 Windows 6.1
    Build Date                 2010/12/22
    Company                    Microsoft Corporation
    File Version               1
    Installation Type          FULL
    Installer Engine           Component Based Servicing - WUSA.exe
    Installer Version          6.0.0.0
    KB Article Number          2465285
    Language                   ALL
    Package Type               Hotfix
    Processor Architecture     amd64
    Product Name               Windows 6.1
    Support Link               http://support.microsoft.com?kbid=2465285
  unattend:      (Windows6.1-KB2465285-x64.xml)
    install Package_for_KB2465285 6.1.1.0 amd64 neutral 31bf3856ad364e35
      source %configsetroot%\Windows6.1-KB2465285-x64.CAB
  cabinets:
    (input)
      signature      present at offset 284300, 6936 bytes: trusted
      signer         CN=Microsoft Corporation,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      issuer         CN=Microsoft Code Signing PCA,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      serial         6108775F00000000004A
      digest         sha1
      timestamp      2010-12-23T00:06:45Z (countersignature by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:9E78-864B-039D,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
      chain          intact (4 certificate signatures checked)
      integrity      ok
      evaluated at   2010-12-23T00:06:45Z (timestamp)
      trust          trusted
      signed digest  sha1 dc90222abdb220625f123a4d4998bb81f8736a7f
      cabinet sha1   dc90222abdb220625f123a4d4998bb81f8736a7f
      cabinet sha256 04f9029e396f2a03f31753410c2c75a23787d1a3d191e1e2c359693e80ab185d
    Windows6.1-KB2465285-x64.cab
      signature      present at offset 119169, 6904 bytes: trusted
      signer         CN=Microsoft Corporation,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      issuer         CN=Microsoft Code Signing PCA,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      serial         6108775F00000000004A
      digest         sha1
      timestamp      2010-12-22T23:50:05Z (countersignature by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:9E78-864B-039D,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
      chain          intact (4 certificate signatures checked)
      integrity      ok
      evaluated at   2010-12-22T23:50:05Z (timestamp)
      trust          trusted
      signed digest  sha1 ba14cfc1a316ab3d07ecb65c4fb1e149b20f1daf
      cabinet sha1   ba14cfc1a316ab3d07ecb65c4fb1e149b20f1daf
      cabinet sha256 178607c4074c934dcc750a4645a7a4073ffd2336bde1ff2ca3de2a68f30e390d
    WSUSSCAN.cab
      signature      present at offset 156058, 6936 bytes: trusted
      signer         CN=Microsoft Corporation,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      issuer         CN=Microsoft Code Signing PCA,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      serial         6108775F00000000004A
      digest         sha1
      timestamp      2010-12-22T23:53:15Z (countersignature by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:159C-A3F7-2570,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
      chain          intact (4 certificate signatures checked)
      integrity      ok
      evaluated at   2010-12-22T23:53:15Z (timestamp)
      trust          trusted
      signed digest  sha1 d4ad92a6a7556250b2a505ae33ef16f64307688c
      cabinet sha1   d4ad92a6a7556250b2a505ae33ef16f64307688c
      cabinet sha256 4d7e5d83f0a66cb34b450f5cc1ef08ef4ec9eb346914523ec0ea60f76c5ef3d6
    WSUSSCAN.cab!package.cab
      signature      none
  contents of Windows6.1-KB2465285-x64.cab (express):
    packages 7, catalogs 7, manifests 4, payloads 16
  express index of Windows6.1-KB2465285-x64.cab: 34 files: stored 18, delta only 12, copies 4, missing 0
    stored              2338  update.mum  [RAW, hash ok]
    stored              7394  update.cat  [RAW, hash ok]
    stored              1920  package_for_kb2465285_sp1~31bf3856ad364e35~amd64~~6.1.1.0.mum  [RAW, hash ok]
    stored              7394  package_for_kb2465285_sp1~31bf3856ad364e35~amd64~~6.1.1.0.cat  [RAW, hash ok]
    stored              1942  package_for_kb2465285_rtm~31bf3856ad364e35~amd64~~6.1.1.0.mum  [RAW, hash ok]
    stored              7394  package_for_kb2465285_rtm~31bf3856ad364e35~amd64~~6.1.1.0.cat  [RAW, hash ok]
    stored              2001  package_4_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.mum  [RAW, hash ok]
    stored             10334  package_4_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.cat  [RAW, hash ok]
    stored              2039  package_3_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.mum  [RAW, hash ok]
    stored             10334  package_3_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.cat  [RAW, hash ok]
    stored              1809  package_2_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.mum  [RAW, hash ok]
    stored             10334  package_2_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.cat  [RAW, hash ok]
    stored              1839  package_1_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.mum  [RAW, hash ok]
    stored             10334  package_1_for_kb2465285~31bf3856ad364e35~amd64~~6.1.1.0.cat  [RAW, hash ok]
    delta only         82432  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\bridgemigplugin.dll  [PA30 blob 0, hash ok] target 82432 bytes
    copy of basis      82432  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\bridgemigplugin.dll  = basis 14
    delta only         20992  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\bridgeunattend.exe  [PA30 blob 1, hash ok] target 20992 bytes, basis 13
    copy of basis      20992  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\bridgeunattend.exe  = basis 19
    delta only         27648  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\brdgcfg.dll  [PA30 blob 2, hash ok] target 27648 bytes, basis 13
    copy of basis      27648  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\brdgcfg.dll  = basis 5
    delta only          1120  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\netbrdgs.inf  [PA30 blob 3, hash ok] target 1120 bytes, basis 6
    delta only          1120  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\netbrdgs.inf  [PA30 blob 4, hash ok] target 1120 bytes, basis 27
    delta only          1333  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\netbrdgm.inf  [PA30 blob 5, hash ok] target 1333 bytes, basis 28
    delta only          1333  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\netbrdgm.inf  [PA30 blob 6, hash ok] target 1333 bytes, basis 26
    stored               705  amd64_ba59922f493b824b6e17cdfef645d5ce_31bf3856ad364e35_6.1.7600.20864_none_73887137301e2cfa.manifest  [RAW, hash ok]
    stored               705  amd64_a24aca900e305a3ff52a8f353b7f8081_31bf3856ad364e35_6.1.7601.21624_none_c609d68e2541c5d8.manifest  [RAW, hash ok]
    delta only         95232  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\bridge.sys  [PA30 blob 7, hash ok] target 95232 bytes, basis 13
    delta only         95232  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\bridge.sys  [PA30 blob 8, hash ok] target 95232 bytes, basis 11
    stored             10170  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23.manifest  [RAW, hash ok]
    delta only          2048  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\bridgeres.dll  [PA30 blob 9, hash ok] target 2048 bytes, basis 5
    copy of basis       2048  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\bridgeres.dll  = basis 17
    delta only          3049  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7601.21624_none_668ec32935dadf23\microsoft-windows-networkbridge-ppdlic.xrm-ms  [PA30 blob 10, hash ok] target 3049 bytes, basis 4
    delta only          3049  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb\microsoft-windows-networkbridge-ppdlic.xrm-ms  [PA30 blob 11, hash ok] target 3049 bytes, basis 24
    stored             10170  amd64_microsoft-windows-networkbridge_31bf3856ad364e35_6.1.7600.20864_none_647d267338d4e2fb.manifest  [RAW, hash ok]

The x86 one's signatures:

  $ cd "$REALDATA/msu" && mumtool info Windows6.1-KB2465285-x86.msu | sed -n '/^cabinets:/,/^contents/p'
  cabinets:
    (input)
      signature      present at offset 267066, 6936 bytes: trusted
      signer         CN=Microsoft Corporation,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      issuer         CN=Microsoft Code Signing PCA,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      serial         6108775F00000000004A
      digest         sha1
      timestamp      2010-12-23T00:06:45Z (countersignature by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:159C-A3F7-2570,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
      chain          intact (4 certificate signatures checked)
      integrity      ok
      evaluated at   2010-12-23T00:06:45Z (timestamp)
      trust          trusted
      signed digest  sha1 81e727a3675711763245fa28cd1af0b5cda1f0e6
      cabinet sha1   81e727a3675711763245fa28cd1af0b5cda1f0e6
      cabinet sha256 bd99d95b65c5c363352a6da46cf5509a958cefdd2deb765c91d7ba85a01274aa
    Windows6.1-KB2465285-x86.cab
      signature      present at offset 102827, 6904 bytes: trusted
      signer         CN=Microsoft Corporation,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      issuer         CN=Microsoft Code Signing PCA,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      serial         6108775F00000000004A
      digest         sha1
      timestamp      2010-12-22T23:50:07Z (countersignature by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:159C-A3F7-2570,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
      chain          intact (4 certificate signatures checked)
      integrity      ok
      evaluated at   2010-12-22T23:50:07Z (timestamp)
      trust          trusted
      signed digest  sha1 5396a641c5d2968609d91fcb6a22213c44e81a9b
      cabinet sha1   5396a641c5d2968609d91fcb6a22213c44e81a9b
      cabinet sha256 4b2b150cb3fcf4d319df5101e9e6a810232ec8a953f1f007e8ccd0d1aa026ca2
    WSUSSCAN.cab
      signature      present at offset 155222, 6936 bytes: trusted
      signer         CN=Microsoft Corporation,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      issuer         CN=Microsoft Code Signing PCA,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      serial         6108775F00000000004A
      digest         sha1
      timestamp      2010-12-22T23:53:15Z (countersignature by CN=Microsoft Time-Stamp Service,OU=nCipher DSE ESN:9E78-864B-039D,OU=MOPR,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US): valid
      chain          intact (4 certificate signatures checked)
      integrity      ok
      evaluated at   2010-12-22T23:53:15Z (timestamp)
      trust          trusted
      signed digest  sha1 3183389568cfa5cd16dec56245f356bb1624e5a3
      cabinet sha1   3183389568cfa5cd16dec56245f356bb1624e5a3
      cabinet sha256 fd83581f21a009b82154517c91086852954586c113a7c5316c7f0b81823adfcf
    WSUSSCAN.cab!package.cab
      signature      none
  contents of Windows6.1-KB2465285-x86.cab (express):

KB2938772, bare cabinets without a signature of their own:

  $ cd "$REALDATA/msu" && mumtool info Windows8.1-KB2938772-x64.cab
  input:         Windows8.1-KB2938772-x64.cab
  kind:          cabinet
  kb:            KB2938772
  architecture:  amd64
  cabinets:
    (input)
      signature      none
  contents of (input):
    packages 8, catalogs 8, manifests 5, payloads 3

  $ cd "$REALDATA/msu" && mumtool info --json Windows8.1-KB2938772-x86.cab | sed -n '/"containers"/,/findings/p'
    "containers": [
      {
        "path": "",
        "type": "cabinet",
        "entries": 19,
        "signature": {
          "present": false,
          "status": "none"
        },
        "counts": {
          "packages": 7,
          "catalogs": 7,
          "manifests": 3,
          "payloads": 2
        }
      }
    ],
    "findings": []

