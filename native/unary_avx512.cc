// The float32 exp/log-family unary loops (unary_impl.h) built with -mavx512f -mfma: twice
// the lanes of unary_fma.cc, the same results (every operation is IEEE-rounded or an FMA).
#define TL_UNARY_NS avx512
#include "unary_impl.h"
