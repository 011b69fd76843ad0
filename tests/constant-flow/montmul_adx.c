// Patch 0014 (x86-64 Montgomery multiplication with MULX/ADCX/ADOX): mbedtls_mpi_core_montmul()
// and mbedtls_mpi_core_mul() with secret operands, on both of the patch's paths: the ADX one
// and the generic one (bn_mul.h's MULADDC steps, also rewritten by the patch). Valgrind hides
// ADX from CPUID (its CPU model has BMI2 but not ADX), so mbedtls_mpi_core_montmul() would
// take the generic path under it; valgrind does execute ADCX and ADOX, so this test forces the
// ADX path by setting the patch's CPU check result (mpi_core_adx_support) itself, where the
// CPU has ADX (the kernel says so); on a CPU without, the ADX path, never taken there, is not
// checked and the test says so.
// Sizes: 4 to 33 limbs (eight-limb blocks, a four-limb block and the last limbs one by one,
// in every combination), the modulus public. Results are made public and compared between the
// two paths and with mbedtls_mpi_mul_mpi / mbedtls_mpi_mod_mpi.
#include "bignum_core.c"

#include "_cf.h"

#include "mbedtls/bignum.h"

#if !defined(MBEDTLS_MPI_CORE_MLA_ADX)
#error "this test is for the x86-64 ADX build"
#endif

#define MAX_LIMBS 33

// The CPU's own answer: under valgrind CPUID shows valgrind's model (ADX cleared), so this
// asks the kernel's /proc/cpuinfo.
static int host_has_adx(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    int adx = 0, bmi2 = 0;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "flags", 5) == 0) {
            adx = strstr(line, " adx") != NULL;
            bmi2 = strstr(line, " bmi2") != NULL;
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return adx && bmi2;
}

// X = A * B * R^-1 mod N on the path `adx` chooses, A and B secret.
static void montmul(int adx, mbedtls_mpi_uint *X, const mbedtls_mpi_uint *A, const mbedtls_mpi_uint *B,
                    const mbedtls_mpi_uint *N, size_t n) {
    mbedtls_mpi_uint T[2 * MAX_LIMBS + 1];
    mbedtls_mpi_uint mm = mbedtls_mpi_core_montmul_init(N);
    mpi_core_adx_support = adx;
    SECRET(A, n * sizeof(*A));
    SECRET(B, n * sizeof(*B));
    mbedtls_mpi_core_montmul(X, A, B, n, N, n, mm, T);
    PUBLIC(A, n * sizeof(*A));
    PUBLIC(B, n * sizeof(*B));
    PUBLIC(X, n * sizeof(*X));
    PUBLIC(T, sizeof(T));
}

static void mul(int adx, mbedtls_mpi_uint *X, const mbedtls_mpi_uint *A, const mbedtls_mpi_uint *B,
                size_t n) {
    mpi_core_adx_support = adx;
    SECRET(A, n * sizeof(*A));
    SECRET(B, n * sizeof(*B));
    mbedtls_mpi_core_mul(X, A, n, B, n);
    PUBLIC(A, n * sizeof(*A));
    PUBLIC(B, n * sizeof(*B));
    PUBLIC(X, 2 * n * sizeof(*X));
}

int main(void) {
    mbedtls_mpi_uint A[MAX_LIMBS], B[MAX_LIMBS], N[MAX_LIMBS], X[2][2 * MAX_LIMBS];
    size_t n_checks = 0;
    cf_require_valgrind();
    int paths = 1 + host_has_adx();
    if (paths == 1) {
        printf("ADX path: this CPU has no ADX/BMI2 (never taken here), not checked\n");
    } else {
        mpi_core_adx_support = -1;
        printf("ADX path: the CPU has it, CPUID under valgrind says %s; forced on\n",
               mpi_core_has_adx() ? "so too" : "not");
    }
    for (size_t n = 4; n <= MAX_LIMBS; n++) {
        for (int round = 0; round < 3; round++) {
            for (size_t i = 0; i < n; i++) {
                N[i] = cf_random();
                A[i] = cf_random();
                B[i] = round == 2 ? ~(mbedtls_mpi_uint)0 : cf_random();
            }
            N[0] |= 1;
            N[n - 1] |= (mbedtls_mpi_uint)1 << 63;
            // A, B < N (montmul's contract): below N's top limb.
            A[n - 1] = N[n - 1] - 1 - (A[n - 1] % 7);
            B[n - 1] = N[n - 1] - 1;

            for (int adx = 0; adx < 2; adx++) {
                montmul(adx < paths ? adx : 0, X[adx], A, B, N, n);
            }
            // A * B * R^-1 mod N = X  <=>  X * R = A * B mod N
            mbedtls_mpi a, b, nn, x, ab, xr;
            mbedtls_mpi_init(&a); mbedtls_mpi_init(&b); mbedtls_mpi_init(&nn);
            mbedtls_mpi_init(&x); mbedtls_mpi_init(&ab); mbedtls_mpi_init(&xr);
            mbedtls_mpi_grow(&a, n); memcpy(a.p, A, n * ciL);
            mbedtls_mpi_grow(&b, n); memcpy(b.p, B, n * ciL);
            mbedtls_mpi_grow(&nn, n); memcpy(nn.p, N, n * ciL);
            mbedtls_mpi_grow(&x, n); memcpy(x.p, X[1], n * ciL);
            mpi_core_adx_support = 0;
            mbedtls_mpi_mul_mpi(&ab, &a, &b);
            mbedtls_mpi_mod_mpi(&ab, &ab, &nn);
            mbedtls_mpi_shift_l(&x, n * biL);
            mbedtls_mpi_mod_mpi(&xr, &x, &nn);
            cf_check(memcmp(X[0], X[1], n * ciL) == 0 && mbedtls_mpi_cmp_mpi(&ab, &xr) == 0,
                     "mbedtls_mpi_core_montmul", n_checks++);

            for (int adx = 0; adx < 2; adx++) {
                mul(adx < paths ? adx : 0, X[adx], A, B, n);
            }
            mbedtls_mpi_free(&x);
            mbedtls_mpi_grow(&x, 2 * n);
            memcpy(x.p, X[1], 2 * n * ciL);
            mbedtls_mpi_mul_mpi(&ab, &a, &b);
            cf_check(memcmp(X[0], X[1], 2 * n * ciL) == 0 && mbedtls_mpi_cmp_mpi(&ab, &x) == 0,
                     "mbedtls_mpi_core_mul", n_checks++);
            mbedtls_mpi_free(&a); mbedtls_mpi_free(&b); mbedtls_mpi_free(&nn);
            mbedtls_mpi_free(&x); mbedtls_mpi_free(&ab); mbedtls_mpi_free(&xr);
        }
    }
    printf("%zu products on %s checked (4 to %d limbs)\n", n_checks,
           paths == 2 ? "both paths" : "the generic path", MAX_LIMBS);
    return cf_done();
}
