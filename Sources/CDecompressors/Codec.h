// What each format's file (Bzip2.c, Xz.c, Zstd.c, Lz4.c) gives Decompressors.c: one table of functions a
// format, built from the library's header where the header was found at build time (`__has_include`),
// else a table that says so, so that the package builds without any of them and only that format's
// files are refused.
#ifndef BACKSCATTER_CDECOMPRESSORS_CODEC_H
#define BACKSCATTER_CDECOMPRESSORS_CODEC_H

#include "CDecompressors.h"

typedef struct {
    /// 1 when the library's header was found at build time.
    int built;
    /// The library file names tried, first to last (NULL-terminated).
    const char *const *library_names;
    /// Loads the library and its functions, once (thread-safe); 1 when every function was found.
    int (*load)(void);
    /// A decoder's state, or NULL with `*message` set.
    void *(*create)(uint64_t memory_limit, const char **message);
    /// As `bs_decoder_step`, on the state `create` made.
    bs_step (*step)(void *state, const uint8_t *input, size_t input_size, size_t *input_used, uint8_t *output,
                    size_t output_size, size_t *output_made, int finishing, const char **message);
    /// Ready for the next stream; 0 on success.
    int (*restart)(void *state, const char **message);
    /// Frees the state (NULL is ignored).
    void (*destroy)(void *state);
} bs_codec_table;

extern const bs_codec_table bs_bzip2_codec, bs_xz_codec, bs_zstd_codec, bs_lz4_frame_codec, bs_dovecot_lz4_codec;

/// The first of `names` dlopen(3) opens, or NULL.
void *bs_open_first(const char *const *names);

/// A symbol into a function pointer (POSIX guarantees the conversion for dlsym's result); 0 when missing.
#define BS_BIND(handle, field, symbol) \
    (*(void **)(&(field)) = dlsym((handle), (symbol)), (field) != NULL)

/// The bytes of input or output a library call is given at once (bzip2's and the LZ4 frame API's
/// counts are `unsigned int` in places): larger buffers are filled over several steps.
#define BS_STEP_BYTES_MAX ((size_t)1 << 30)

#endif
