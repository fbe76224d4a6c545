/* cwaku error codes: one table, negative values, 0 is success. */
#ifndef CWAKU_ERROR_H
#define CWAKU_ERROR_H

/* X(name, value, text). Decoders tell truncated input (ETRUNC) from input
 * that is complete but wrong (EMALFORMED and the more specific codes). */
#define CWAKU_ERROR_MAP(X)                                                     \
  X(OK, 0, "success")                                                          \
  X(ENOMEM, -1, "out of memory")                                               \
  X(EINVAL, -2, "invalid argument")                                            \
  X(ETRUNC, -3, "input truncated")                                             \
  X(EMALFORMED, -4, "malformed input")                                         \
  X(ETOOBIG, -5, "exceeds the maximum size")                                   \
  X(EVARINT, -6, "non-minimal or over-long varint")                            \
  X(EENCODING, -7, "invalid text encoding")                                    \
  X(ETOPIC, -8, "invalid content topic")                                       \
  X(ESHARD, -9, "invalid shard or cluster")                                    \
  X(ESIGNATURE, -10, "signature does not verify")                              \
  X(EKEY, -11, "invalid key")                                                  \
  X(ECRYPTO, -12, "cryptographic operation failed")                            \
  X(EUNSUPPORTED, -13, "unsupported")                                          \
  X(ENOTFOUND, -14, "not found")                                               \
  X(EIO, -15, "input/output error")                                            \
  X(ECONFIG, -16, "invalid configuration")                                     \
  X(EMULTIADDR, -17, "invalid multiaddr")                                      \
  X(EENR, -18, "invalid ENR")                                                  \
  X(ERANGE, -19, "value out of range")                                         \
  X(ESTALE, -20, "timestamp too far from the local clock")                     \
  X(EEPOCH, -21, "epoch does not match the timestamp")                         \
  X(EROOT, -22, "Merkle root not acceptable")                                  \
  X(ESIGNAL, -23, "proof is not bound to this message")                        \
  X(EPROOF, -24, "zero-knowledge proof does not verify")                       \
  X(ELIMIT, -25, "a limit on peers or connections was reached")

enum cwaku_error {
#define CWAKU__ERR_ENUM(name, value, text) CWAKU_##name = (value),
  CWAKU_ERROR_MAP(CWAKU__ERR_ENUM)
#undef CWAKU__ERR_ENUM
};

/* Human text for a code; "unknown error" for anything not in the table. */
const char *cwaku_strerror(int err);
/* The symbol name, e.g. "CWAKU_ETRUNC"; used in machine-readable output. */
const char *cwaku_errname(int err);

#if defined(__GNUC__)
#define CWAKU_MUST_CHECK __attribute__((warn_unused_result))
#else
#define CWAKU_MUST_CHECK
#endif

#endif
