/* LD_PRELOAD shim: write NSS key log lines (SSLKEYLOGFILE format) for any
 * OpenSSL >= 1.1.1 program.  Wraps SSL_new / SSL_CTX_new and installs
 * SSL_CTX_set_keylog_callback.  File name taken from $SSLKEYLOGFILE.
 * Optional (lab only): LAB_TLS_MIN / LAB_TLS_MAX = 1.0|1.1|1.2|1.3 restrict the
 * protocol versions of every SSL object (xfreerdp overrides OpenSSL config's
 * Min/MaxProtocol, so this is how the lab makes a "TLS <= 1.2 only" client).
 * Build: gcc -shared -fPIC -O2 -o sslkeylog.so sslkeylog.c -ldl -lssl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/ssl.h>

static void keylog_cb(const SSL *ssl, const char *line)
{
    (void)ssl;
    const char *fn = getenv("SSLKEYLOGFILE");
    if (!fn || !*fn) return;
    FILE *f = fopen(fn, "a");
    if (!f) return;
    fprintf(f, "%s\n", line);
    fclose(f);
}

static int proto(const char *v)
{
    if (!strcmp(v, "1.0")) return TLS1_VERSION;
    if (!strcmp(v, "1.1")) return TLS1_1_VERSION;
    if (!strcmp(v, "1.2")) return TLS1_2_VERSION;
    if (!strcmp(v, "1.3")) return TLS1_3_VERSION;
    return 0;
}

SSL_CTX *SSL_CTX_new(const SSL_METHOD *meth)
{
    static SSL_CTX *(*real)(const SSL_METHOD *) = NULL;
    if (!real) real = (SSL_CTX *(*)(const SSL_METHOD *))dlsym(RTLD_NEXT, "SSL_CTX_new");
    SSL_CTX *ctx = real(meth);
    if (ctx) SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    return ctx;
}

SSL *SSL_new(SSL_CTX *ctx)
{
    static SSL *(*real)(SSL_CTX *) = NULL;
    if (!real) real = (SSL *(*)(SSL_CTX *))dlsym(RTLD_NEXT, "SSL_new");
    /* in case the ctx was created before we were loaded / via another path */
    if (ctx && SSL_CTX_get_keylog_callback(ctx) == NULL)
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    SSL *ssl = real(ctx);
    if (ssl) {
        const char *mn = getenv("LAB_TLS_MIN"), *mx = getenv("LAB_TLS_MAX");
        if (mn && *mn) SSL_set_min_proto_version(ssl, proto(mn));
        if (mx && *mx) SSL_set_max_proto_version(ssl, proto(mx));
    }
    return ssl;
}
