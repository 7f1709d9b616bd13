// Options for mimalloc set before anything allocates (see MimallocOptions.c).
#ifndef BACKSCATTER_MIMALLOC_OPTIONS_H
#define BACKSCATTER_MIMALLOC_OPTIONS_H
/// Whether the start-up constructor turned large OS pages on (0 when the environment decided).
int backscatter_mimalloc_large_pages_requested(void);
#endif
