#requires: realdata
mumtool show on genuine Microsoft packages ($REALDATA/msu, extracted here
with bsdtar).  Every expected value below was read off the XML of the
files themselves, not taken from mumtool; tests/cli/manifest-realdata.sh
checks every manifest of every package.

A package of KB2938772: its three parents and its update's component
(the deployment that installs the NDIS-TDI binding engine it applies to).

  $ bsdtar -xf "$REALDATA/msu/Windows8.1-KB2938772-x64.cab" "Package_3_for_KB2938772~31bf3856ad364e35~amd64~~6.3.1.0.mum" && mumtool show "Package_3_for_KB2938772~31bf3856ad364e35~amd64~~6.3.1.0.mum"
  Package_3_for_KB2938772~31bf3856ad364e35~amd64~~6.3.1.0.mum: package manifest
    identity     Package_3_for_KB2938772 6.3.1.0 amd64 neutral 31bf3856ad364e35
    package      KB2938772, releaseType Update, restart possible
    parent       buildCompare EQ, serviceCompare EQ, integrate separate, disposition detect
                 Microsoft-Windows-Client-Features-Package-AutoMerged-net 6.3.9600.16384 amd64 neutral 31bf3856ad364e35 buildType=release
                 Microsoft-Windows-ServerCore-SKU-Foundation-Package-net 6.3.9600.16384 amd64 neutral 31bf3856ad364e35 buildType=release
                 Microsoft-Windows-Server-Features-Package-AutoMerged-net 6.3.9600.16384 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS
    installer    Microsoft-Windows-ServicingStack 6.0.0.0 amd64 neutral 31bf3856ad364e35 versionScope=nonSxS
    update       2938772-3_neutral_GDR
      applicable (disposition staged)
        updateComponent  Microsoft-Windows-NDIS-TDI-BindingEngine 6.3.9600.17039 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS (elevate distribution)
      component        a029976e823e2ffcf4d6346165a0c5b8 6.3.9600.17039 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS

A component's file digest is the plain SHA-256 of the payload beside it.

  $ k=amd64_microsoft-windows-ndis-tdi-bindingengine_31bf3856ad364e35_6.3.9600.17039_none_2f0e3c02f951e22c; bsdtar -xf "$REALDATA/msu/Windows8.1-KB2938772-x64.cab" $k.manifest $k/netcfgx.dll && mumtool show $k.manifest | grep -A1 "^  file" && sha256sum $k/netcfgx.dll
    file         netcfgx.dll -> $(runtime.system32)\
                 sha256 7a5eec4bbe3417523f094f9bc644dffb2d97192fbbba274c6d96b75926f993ce
  7a5eec4bbe3417523f094f9bc644dffb2d97192fbbba274c6d96b75926f993ce  amd64_microsoft-windows-ndis-tdi-bindingengine_31bf3856ad364e35_6.3.9600.17039_none_2f0e3c02f951e22c/netcfgx.dll

The top package of the Windows 7 MSU, from its inner (express) cabinet,
named update.mum as newer cabinets do: no name mismatch.

  $ bsdtar -xOf "$REALDATA/msu/Windows6.1-KB2465285-x64.msu" Windows6.1-KB2465285-x64.cab > inner.cab && bsdtar -xf inner.cab update.mum && mumtool show update.mum
  update.mum: package manifest
    identity     Package_for_KB2465285 6.1.1.0 amd64 neutral 31bf3856ad364e35
    package      KB2465285, releaseType Hotfix, restart possible, applicabilityEvaluation deep
    parent       buildCompare EQ, serviceCompare EQ, integrate separate, disposition detect
                 Microsoft-Windows-Foundation-Package 6.1.7600.16385 amd64 neutral 31bf3856ad364e35 buildType=release versionScope=nonSxS
                 WinEmb-Networking-Foundation 6.1.7600.16385 amd64 neutral 31bf3856ad364e35 buildType=release
                 Microsoft-Windows-Foundation-Package 6.1.7601.17514 amd64 neutral 31bf3856ad364e35 buildType=release
                 WinEmb-Networking-Foundation 6.1.7601.17514 amd64 neutral 31bf3856ad364e35 buildType=release
    installer    Microsoft-Windows-ServicingStack 6.0.0.0 amd64 neutral 31bf3856ad364e35 versionScope=nonSxS
    update       2465285-9_neutral_PACKAGE
      package          Package_for_KB2465285_RTM 6.1.1.0 amd64 neutral 31bf3856ad364e35 (integrate hidden)
    update       2465285-10_neutral_PACKAGE
      package          Package_for_KB2465285_SP1 6.1.1.0 amd64 neutral 31bf3856ad364e35 (integrate hidden)
