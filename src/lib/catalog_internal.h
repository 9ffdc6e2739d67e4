/*
 * catalog_internal.h - what catalog.c (the parser, the model, matching)
 * and catalog_build.c (the builder) share: the catalog OIDs, the CTL
 * and its template, the attribute list helpers.
 */
#ifndef MUM_CATALOG_INTERNAL_H
#define MUM_CATALOG_INTERNAL_H

#include "crypto.h"

#include <mum/catalog.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

#define OID_CAT_NAMEVALUE "1.3.6.1.4.1.311.12.2.1"
#define OID_CAT_MEMBERINFO "1.3.6.1.4.1.311.12.2.2"
#define OID_CAT_MEMBERINFO2 "1.3.6.1.4.1.311.12.2.3"
#define SIP_GUID_PE "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}"
#define SIP_GUID_FLAT "{DE351A42-8E59-11D0-8C47-00C04FC295EE}"
#define MEMBER_INFO_VERSION 512

enum { MAX_LIST_ID = 64, MAX_CATALOG_SIZE = 1 << 30 };

/* CertificateTrustList (DOMAIN.md §5), with the entries (a SEQUENCE OF
 * TrustedSubject) left as their DER: the parser reads them in place
 * (member_decode), the builder encodes them one by one (entry_of); the
 * templates would hold an object for every field of tens of thousands of
 * members. */
typedef struct {
    STACK_OF(ASN1_OBJECT) *usage;
    ASN1_OCTET_STRING *list_id;
    ASN1_INTEGER *sequence;
    ASN1_TIME *this_update;
    ASN1_TIME *next_update;
    X509_ALGOR *subject_alg;
    ASN1_STRING *entries;
    STACK_OF(X509_EXTENSION) *extensions;
} MUM_CTL;

/* The ASN.1 item of MUM_CTL (its template is in catalog.c). */
MUM_INTERNAL const ASN1_ITEM *mum__cat_ctl_item(void);
/* Tests: false makes mum_catalog_parse decode every list with the
 * templates, as it does a list it cannot read in place (catalog.c). */
MUM_INTERNAL void mum__catalog_ctl_in_place(bool on);

/* Frees n attributes' names and values, then the array. */
MUM_INTERNAL void mum__cat_attrs_free(mum_cat_attr *a, size_t n);
/* Whether the catalog's members' blocks are one allocation (a small
 * catalog's: model_finish in catalog.c; for tests). */
MUM_INTERNAL bool mum__catalog_packed(const mum_catalog *cat);

/* The value of the attribute called `name` (ASCII case ignored), or NULL. */
MUM_INTERNAL const char *mum__cat_attr_lookup(const mum_cat_attr *a, size_t n, const char *name);

#endif /* MUM_CATALOG_INTERNAL_H */
