// The ternary kernel's row loops built with -mavx2 -mfma (see ternary_impl.h).
#define TL_TERNARY_NS fma
#include "ternary_impl.h"
