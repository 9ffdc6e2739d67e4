#include <mum/mum.h>
#include <stdio.h>

int main(void)
{
    mum_identity id = MUM_IDENTITY_INIT;
    mum_identity_set(&id, MUM_ATTR_NAME, "Microsoft-Windows-TCPIP-Binaries");
    mum_identity_set(&id, MUM_ATTR_VERSION, "6.0.6001.22222");
    mum_identity_set(&id, MUM_ATTR_ARCH, "x86");
    mum_identity_set(&id, MUM_ATTR_PUBLIC_KEY_TOKEN, "31bf3856ad364e35");
    mum_identity_set(&id, MUM_ATTR_VERSION_SCOPE, "nonSxS");

    char *keyform;
    if (mum_keyform_format(&keyform, &id, 0) == MUM_OK) {
        puts(keyform); /* x86_microsoft-windows-tcpip-binaries_..._b39411bf7f924877 */
        mum_free(keyform);
    }
    mum_identity_clear(&id);
    return 0;
}
