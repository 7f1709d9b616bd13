// mimalloc's options for the `backscatter` executable, set before anything allocates: from the
// executable's pre-initialisation array, which runs before the shared libraries' initialisers (mimalloc's
// among them) and so before mimalloc maps its first segment. Set from Swift at the start of `main`, or
// from a constructor, large pages reached only the segments mapped after it: the first (32 MiB), mapped
// during start-up, stayed in 4 KiB pages (bsd20 full: 8,065 page faults, against 791 from here and 14,434
// without large pages).
#include <string.h>
#include <mimalloc.h>
#include "MimallocOptions.h"

static int large_pages_requested = 0;

/// Large (2 MiB) OS pages, unless the environment sets `MIMALLOC_LARGE_OS_PAGES` either way (then
/// mimalloc reads it itself). The C library is not initialised yet: the environment is read from `envp`.
static void backscatter_set_mimalloc_options(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    static const char name[] = "MIMALLOC_LARGE_OS_PAGES=";
    for (char **entry = envp; entry != NULL && *entry != NULL; entry++) {
        if (strncmp(*entry, name, sizeof name - 1) == 0) return;
    }
    mi_option_enable(mi_option_large_os_pages);
    large_pages_requested = 1;
}

#if defined(__ELF__)
__attribute__((section(".preinit_array"), used))
static void (*const backscatter_preinit)(int, char **, char **) = backscatter_set_mimalloc_options;
#else
// No pre-initialisation array outside ELF: a constructor, with the same arguments (Darwin passes them).
__attribute__((constructor(101)))
static void backscatter_preinit(int argc, char **argv, char **envp) { backscatter_set_mimalloc_options(argc, argv, envp); }
#endif

int backscatter_mimalloc_large_pages_requested(void) { return large_pages_requested; }
