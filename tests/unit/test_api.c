/*
 * test_api.c - the conventions include/mum/mum.h promises, checked on the
 * whole public API: every _free and _clear accepts NULL and does nothing
 * (tests/cli/api-conventions.py checks that each public one is listed here,
 * and the rest of the conventions on the headers' text).
 */
#include "testutil.h"

#include <mum/mum.h>

Test(api, free_and_clear_accept_null)
{
    mum_cab_signature_clear(NULL);
    mum_cab_digest_free(NULL);
    mum_catalog_free(NULL);
    mum_cat_check_free(NULL);
    mum_cat_builder_free(NULL);
    mum_ctx_free(NULL);
    mum_ctx_clear(NULL);
    mum_findings_free(NULL);
    mum_walk_free(NULL);
    mum_diff_result_free(NULL);
    mum_express_index_clear(NULL);
    mum_express_collector_free(NULL);
    mum_express_unpacker_free(NULL);
    mum_graph_free(NULL);
    mum_hasher_free(NULL);
    mum_identity_clear(NULL);
    mum_info_free(NULL);
    mum_manifest_parser_free(NULL);
    mum_manifest_free(NULL);
    mum_matrix_free(NULL);
    mum_msu_properties_clear(NULL);
    mum_msu_unattend_clear(NULL);
    mum_package_name_clear(NULL);
    mum_keyform_clear(NULL);
    mum_name_clear(NULL);
    mum_name_check_result_clear(NULL);
    mum_payload_digests_free(NULL);
    mum_pe_hasher_free(NULL);
    mum_policy_free(NULL);
    mum_signature_free(NULL);
    mum_sig_result_clear(NULL);
    mum_signer_free(NULL);
    mum_trust_free(NULL);
    mum_expect_free(NULL);
    mum_verify_result_free(NULL);
}

/* A _clear empties what it clears: a second _clear is safe (the out-first
 * order of mum_keyform_parse is the convention of mum.h). */
Test(api, clear_empties)
{
    mum_ctx *ctx;
    cr_assert_eq(mum_ctx_new(&ctx), MUM_OK);
    mum_keyform kf;
    cr_assert_eq(mum_keyform_parse(&kf, ctx,
                     "x86_microsoft-windows-foo_31bf3856ad364e35_6.0.6000.16386_none_0123456789abcdef"),
                 MUM_OK, "%s", mum_ctx_message(ctx));
    cr_assert_not_null(kf.name);
    mum_keyform_clear(&kf);
    cr_assert_null(kf.name);
    cr_assert_null(kf.arch);
    cr_assert_null(kf.key_text);
    mum_keyform_clear(&kf);
    mum_ctx_free(ctx);
}

/* mum_global_init takes its one flag (the test process then keeps
 * OpenSSL's tables to its end), nothing else. */
Test(api, global_init_takes_known_flags_only)
{
    cr_assert_eq(mum_global_init(1u << 30), MUM_EINVAL);
    cr_assert_eq(mum_global_init(0), MUM_OK);
    cr_assert_eq(mum_global_init(MUM_INIT_NO_EXIT_CLEANUP), MUM_OK);
}
