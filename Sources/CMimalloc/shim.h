// mimalloc (Debian's libmimalloc-dev), linked into the `backscatter` executable only: being linked, it
// takes over malloc and free for the whole process (the Swift runtime's too). The libraries do not link
// it; a program using them keeps its own allocator. Only BackscatterCLI imports this module.
#ifndef BACKSCATTER_CMIMALLOC_SHIM_H
#define BACKSCATTER_CMIMALLOC_SHIM_H
#include <mimalloc.h>
#endif
