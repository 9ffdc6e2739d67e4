/* mum/mum.h - all of libmum's public API. */
#ifndef MUM_MUM_H
#define MUM_MUM_H

#include <mum/common.h>
#include <mum/identity.h>
#include <mum/names.h>
#include <mum/hash.h>
#include <mum/pe.h>
#include <mum/signature.h>
#include <mum/trust.h>
#include <mum/catalog.h>
#include <mum/manifest.h>
#include <mum/cab.h>
#include <mum/container.h>
#include <mum/payload.h>
#include <mum/msu.h>
#include <mum/express.h>
#include <mum/info.h>
#include <mum/policy.h>
#include <mum/graph.h>
#include <mum/matrix.h>
#include <mum/verify.h>
#include <mum/diff.h>

#endif /* MUM_MUM_H */
