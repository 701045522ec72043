// The float32 exp/log-family unary loops (unary_impl.h) built with -mavx2 -mfma.
#define TL_UNARY_NS fma
#include "unary_impl.h"
