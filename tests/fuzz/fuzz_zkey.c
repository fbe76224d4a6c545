/* snarkjs .zkey reader: arbitrary bytes either parse into a key whose
 * counts and indices agree with its header, or are refused with one of the
 * reader's errors; never a crash or an allocation the input cannot back. */
#include <stdlib.h>

#include "cwaku/error.h"
#include "zk/zkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cwaku__zkey z;
  int r = cwaku__zkey_parse(&z, data, size);
  if (r) {
    if (r != CWAKU_ETRUNC && r != CWAKU_EMALFORMED && r != CWAKU_EUNSUPPORTED &&
        r != CWAKU_ERANGE && r != CWAKU_ETOOBIG && r != CWAKU_ENOMEM)
      abort();
    if (z.coefs || z.a || z.h)
      abort(); /* a refused key leaves nothing behind */
    return 0;
  }
  if (z.n_vars < z.n_public + 1 || (z.domain_size & (z.domain_size - 1)))
    abort();
  for (size_t i = 0; i < z.n_coefs; i++)
    if (z.coefs[i].wire >= z.n_vars || z.coefs[i].matrix > 1 ||
        z.coefs[i].constraint >= z.domain_size)
      abort();
  cwaku__zkey_free(&z);
  return 0;
}
