mumtool trust list: the trust store the signature checks use.  By default
the 12 built-in Microsoft roots of data/trust/microsoft-roots.pem, in its
order, with Windows' purpose restrictions by SHA-1 thumbprint (the table of
data/trust/README.md: five roots restricted, seven for everything).  The
thumbprints were checked against `openssl x509 -fingerprint -sha1` and the
README.

  $ mumtool trust list
  A43489159A520F0D93D032CCAF37E7FE20A8B419  CN=Microsoft Root Authority,OU=Microsoft Corporation,OU=Copyright (c) 1997 Microsoft Corp.
      valid      1997-01-10T07:00:00Z to 2020-12-31T07:00:00Z
      purposes   all
      origin     built-in
  CDD4EEAE6000AC7F40C3802C171E30148030C072  CN=Microsoft Root Certificate Authority,DC=microsoft,DC=com
      valid      2001-05-09T23:19:22Z to 2021-05-09T23:28:13Z
      purposes   all
      origin     built-in
  3B1EFD3A66EA28B16697394703A72CA340A05BD5  CN=Microsoft Root Certificate Authority 2010,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      valid      2010-06-23T21:57:24Z to 2035-06-23T22:04:01Z
      purposes   all
      origin     built-in
  8F43288AD272F3103B6FB1428485EA3014C0BCFE  CN=Microsoft Root Certificate Authority 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      valid      2011-03-22T22:05:28Z to 2036-03-22T22:13:04Z
      purposes   all
      origin     built-in
  245C97DF7514E7CF2DF8BE72AE957B9E04741E85  OU=Copyright (c) 1997 Microsoft Corp.,OU=Microsoft Time Stamping Service Root,OU=Microsoft Corporation,O=Microsoft Trust Network
      valid      1997-05-13T16:12:59Z to 1999-12-30T23:59:59Z
      purposes   time-stamping
      origin     built-in
  7F88CD7223F3C813818C994614A89C99FA3B5247  CN=Microsoft Authenticode(tm) Root Authority,O=MSFT,C=US
      valid      1995-01-01T08:00:01Z to 1999-12-31T23:59:59Z
      purposes   code-signing,email-protection
      origin     built-in
  18F7C1FCC3090203FD5BAA2F861A754976C8DD25  OU=NO LIABILITY ACCEPTED\, (c)97 VeriSign\, Inc.,OU=VeriSign Time Stamping Service Root,OU=VeriSign\, Inc.,O=VeriSign Trust Network
      valid      1997-05-12T00:00:00Z to 2004-01-07T23:59:59Z
      purposes   time-stamping
      origin     built-in
  BE36A4562FB2EE05DBB3D32323ADF445084ED656  CN=Thawte Timestamping CA,OU=Thawte Certification,O=Thawte,L=Durbanville,ST=Western Cape,C=ZA
      valid      1997-01-01T00:00:00Z to 2020-12-31T23:59:59Z
      purposes   time-stamping
      origin     built-in
  92B46C76E13054E104F230517E6E504D43AB10B5  CN=Symantec Enterprise Mobile Root for Microsoft,O=Symantec Corporation,C=US
      valid      2012-03-15T00:00:00Z to 2032-03-14T23:59:59Z
      purposes   code-signing
      origin     built-in
  06F1AA330B927B753A40E68CDF22E34BCBEF3352  CN=Microsoft ECC Product Root Certificate Authority 2018,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      valid      2018-02-27T20:42:08Z to 2043-02-27T20:50:46Z
      purposes   all
      origin     built-in
  31F9FC8BA3805986B721EA7295C65B3A44534274  CN=Microsoft ECC TS Root Certificate Authority 2018,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      valid      2018-02-27T20:51:34Z to 2043-02-27T21:00:12Z
      purposes   all
      origin     built-in
  0119E81BE9A14CD8E22F40AC118C687ECBA3F4D8  CN=Microsoft Time Stamp Root Certificate Authority 2014,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US
      valid      2014-10-22T22:08:57Z to 2039-10-22T22:15:19Z
      purposes   all
      origin     built-in
  12 trust anchors

The same as JSON (--json is --format json): thumbprint, purposes, origin,
source and validity of each:

  $ mumtool trust list --format json | python3 -c 'import json, sys; [print(a["thumbprint"], ",".join(a["purposes"]), a["origin"], a["source"], a["notBefore"], a["notAfter"]) for a in json.load(sys.stdin)]'
  A43489159A520F0D93D032CCAF37E7FE20A8B419 code-signing,time-stamping,email-protection builtin built-in 1997-01-10T07:00:00Z 2020-12-31T07:00:00Z
  CDD4EEAE6000AC7F40C3802C171E30148030C072 code-signing,time-stamping,email-protection builtin built-in 2001-05-09T23:19:22Z 2021-05-09T23:28:13Z
  3B1EFD3A66EA28B16697394703A72CA340A05BD5 code-signing,time-stamping,email-protection builtin built-in 2010-06-23T21:57:24Z 2035-06-23T22:04:01Z
  8F43288AD272F3103B6FB1428485EA3014C0BCFE code-signing,time-stamping,email-protection builtin built-in 2011-03-22T22:05:28Z 2036-03-22T22:13:04Z
  245C97DF7514E7CF2DF8BE72AE957B9E04741E85 time-stamping builtin built-in 1997-05-13T16:12:59Z 1999-12-30T23:59:59Z
  7F88CD7223F3C813818C994614A89C99FA3B5247 code-signing,email-protection builtin built-in 1995-01-01T08:00:01Z 1999-12-31T23:59:59Z
  18F7C1FCC3090203FD5BAA2F861A754976C8DD25 time-stamping builtin built-in 1997-05-12T00:00:00Z 2004-01-07T23:59:59Z
  BE36A4562FB2EE05DBB3D32323ADF445084ED656 time-stamping builtin built-in 1997-01-01T00:00:00Z 2020-12-31T23:59:59Z
  92B46C76E13054E104F230517E6E504D43AB10B5 code-signing builtin built-in 2012-03-15T00:00:00Z 2032-03-14T23:59:59Z
  06F1AA330B927B753A40E68CDF22E34BCBEF3352 code-signing,time-stamping,email-protection builtin built-in 2018-02-27T20:42:08Z 2043-02-27T20:50:46Z
  31F9FC8BA3805986B721EA7295C65B3A44534274 code-signing,time-stamping,email-protection builtin built-in 2018-02-27T20:51:34Z 2043-02-27T21:00:12Z
  0119E81BE9A14CD8E22F40AC118C687ECBA3F4D8 code-signing,time-stamping,email-protection builtin built-in 2014-10-22T22:08:57Z 2039-10-22T22:15:19Z

  $ mumtool trust list --json | grep -c "\"thumbprint\""
  12

Without the built-in roots, nothing; MUM_TRUST's files (colon-separated,
empty entries skipped) and --trust files add anchors, in that order, each
named by its file:

  $ mumtool trust list --no-default-trust
  0 trust anchors

  $ export MUM_TRUST="$SRCDIR/samples/test-ca.pem::"; mumtool trust list --no-default-trust --trust "$SRCDIR/data/trust/microsoft-roots.pem" --format json | grep -e source -e thumbprint | sed "s|$SRCDIR/||"
      "thumbprint": "BB744BE9F003C6313AEAC1CC90C32B54F8D381E8",
      "source": "samples/test-ca.pem"
      "thumbprint": "A43489159A520F0D93D032CCAF37E7FE20A8B419",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "CDD4EEAE6000AC7F40C3802C171E30148030C072",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "3B1EFD3A66EA28B16697394703A72CA340A05BD5",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "8F43288AD272F3103B6FB1428485EA3014C0BCFE",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "245C97DF7514E7CF2DF8BE72AE957B9E04741E85",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "7F88CD7223F3C813818C994614A89C99FA3B5247",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "18F7C1FCC3090203FD5BAA2F861A754976C8DD25",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "BE36A4562FB2EE05DBB3D32323ADF445084ED656",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "92B46C76E13054E104F230517E6E504D43AB10B5",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "06F1AA330B927B753A40E68CDF22E34BCBEF3352",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "31F9FC8BA3805986B721EA7295C65B3A44534274",
      "source": "data/trust/microsoft-roots.pem"
      "thumbprint": "0119E81BE9A14CD8E22F40AC118C687ECBA3F4D8",
      "source": "data/trust/microsoft-roots.pem"

A copy of a restricted root given as a file keeps its restriction:

  $ mumtool trust list --no-default-trust --trust "$SRCDIR/data/trust/microsoft-roots.pem" | grep -A3 "^BE36A4562FB2EE05" | sed "s|$SRCDIR/||"
  BE36A4562FB2EE05DBB3D32323ADF445084ED656  CN=Thawte Timestamping CA,OU=Thawte Certification,O=Thawte,L=Durbanville,ST=Western Cape,C=ZA
      valid      1997-01-01T00:00:00Z to 2020-12-31T23:59:59Z
      purposes   time-stamping
      origin     data/trust/microsoft-roots.pem

Errors:

  $ mumtool trust 2>&1
  mumtool: trust: give a subcommand (list)
  Try 'mumtool trust --help'.
  [2]

  $ mumtool trust show 2>&1
  mumtool: trust: unknown subcommand 'show' (list)
  Try 'mumtool trust --help'.
  [2]

  $ mumtool trust list --format xml 2>&1
  mumtool: trust list: unknown format 'xml' (text, json)
  Try 'mumtool trust --help'.
  [2]

  $ mumtool trust list extra 2>&1
  mumtool: trust list: unexpected argument 'extra'
  Try 'mumtool trust --help'.
  [2]

  $ mumtool trust list --trust /nonexistent.pem 2>&1
  mumtool: /nonexistent.pem: cannot open: No such file or directory
  [3]

  $ MUM_TRUST=/nonexistent.pem; export MUM_TRUST; mumtool trust list 2>&1
  mumtool: MUM_TRUST: /nonexistent.pem: cannot open: No such file or directory
  [3]

  $ echo "not a certificate" > x.pem && mumtool trust list --trust x.pem 2>&1
  mumtool: x.pem: no PEM certificate in it
  [3]

