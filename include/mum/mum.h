/* mum/mum.h - all of libmum's public API. */
#ifndef MUM_MUM_H
#define MUM_MUM_H

#include <mum/common.h>
#include <mum/identity.h>
#include <mum/names.h>
#include <mum/hash.h>
#include <mum/policy.h>

#endif /* MUM_MUM_H */
