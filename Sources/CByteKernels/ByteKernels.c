// The kernels are `static inline` in the header (see CByteKernels.h); this file makes the target a
// C library for the package manager.
#include "CByteKernels.h"
