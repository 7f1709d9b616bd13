// bzip2 (libbz2), for `bs_bzip2_codec`.
#include "Codec.h"

#if defined(__APPLE__)
static const char *const names[] = {"libbz2.1.0.dylib", "libbz2.dylib", NULL};
#else
static const char *const names[] = {"libbz2.so.1.0", "libbz2.so.1", NULL};
#endif

#if __has_include(<bzlib.h>)
#include <bzlib.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct {
    int (*decompress_init)(bz_stream *, int, int);
    int (*decompress)(bz_stream *);
    int (*decompress_end)(bz_stream *);
} api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_once(void) {
    void *h = bs_open_first(names);
    loaded = h != NULL && BS_BIND(h, api.decompress_init, "BZ2_bzDecompressInit")
        && BS_BIND(h, api.decompress, "BZ2_bzDecompress") && BS_BIND(h, api.decompress_end, "BZ2_bzDecompressEnd");
}

static int load(void) {
    pthread_once(&once, load_once);
    return loaded;
}

static const char *describe(int status) {
    switch (status) {
    case BZ_DATA_ERROR: return "data integrity error (a block's or the stream's CRC does not match)";
    case BZ_DATA_ERROR_MAGIC: return "not bzip2 data where a stream should start";
    case BZ_MEM_ERROR: return "out of memory";
    default: return "bzip2 library error";
    }
}

// bzip2's memory is bounded by its format (at most ~3.6 MiB): the limit is not needed.
static void *create(uint64_t memory_limit, const char **message) {
    (void)memory_limit;
    bz_stream *s = calloc(1, sizeof *s);
    if (s == NULL) { *message = "out of memory"; return NULL; }
    int status = api.decompress_init(s, 0, 0);
    if (status != BZ_OK) { *message = describe(status); free(s); return NULL; }
    return s;
}

static bs_step step(void *state, const uint8_t *input, size_t input_size, size_t *input_used, uint8_t *output,
                    size_t output_size, size_t *output_made, int finishing, const char **message) {
    (void)finishing;
    bz_stream *s = state;
    s->next_in = (char *)input;
    s->avail_in = (unsigned int)input_size;
    s->next_out = (char *)output;
    s->avail_out = (unsigned int)output_size;
    int status = api.decompress(s);
    *input_used = input_size - s->avail_in;
    *output_made = output_size - s->avail_out;
    if (status == BZ_STREAM_END) return BS_STEP_STREAM_END;
    if (status == BZ_OK) return BS_STEP_OK;
    *message = describe(status);
    return BS_STEP_ERROR;
}

static int restart(void *state, const char **message) {
    bz_stream *s = state;
    api.decompress_end(s);
    memset(s, 0, sizeof *s);
    int status = api.decompress_init(s, 0, 0);
    if (status != BZ_OK) { *message = describe(status); return -1; }
    return 0;
}

static void destroy(void *state) {
    if (state == NULL) return;
    api.decompress_end(state);
    free(state);
}

const bs_codec_table bs_bzip2_codec = {1, names, load, create, step, restart, destroy};
#else
static int not_built(void) { return 0; }
const bs_codec_table bs_bzip2_codec = {0, names, not_built, NULL, NULL, NULL, NULL};
#endif
