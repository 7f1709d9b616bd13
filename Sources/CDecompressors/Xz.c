// xz (liblzma), for `bs_xz_codec`.
#include "Codec.h"

#if defined(__APPLE__)
static const char *const names[] = {"liblzma.5.dylib", "/opt/homebrew/lib/liblzma.5.dylib", "/usr/local/lib/liblzma.5.dylib", NULL};
#else
static const char *const names[] = {"liblzma.so.5", NULL};
#endif

#if __has_include(<lzma.h>)
#include <dlfcn.h>
#include <lzma.h>
#include <pthread.h>
#include <stdlib.h>

static struct {
    lzma_ret (*stream_decoder)(lzma_stream *, uint64_t, uint32_t);
    lzma_ret (*code)(lzma_stream *, lzma_action);
    void (*end)(lzma_stream *);
} api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_once(void) {
    void *h = bs_open_first(names);
    loaded = h != NULL && BS_BIND(h, api.stream_decoder, "lzma_stream_decoder") && BS_BIND(h, api.code, "lzma_code")
        && BS_BIND(h, api.end, "lzma_end");
}

static int load(void) {
    pthread_once(&once, load_once);
    return loaded;
}

static const char *describe(lzma_ret status) {
    switch (status) {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "the file needs more memory to decode than the limit allows";
    case LZMA_FORMAT_ERROR: return "not xz data where a stream should start";
    case LZMA_OPTIONS_ERROR: return "unsupported compression options";
    case LZMA_DATA_ERROR: return "compressed data is corrupt";
    default: return "liblzma error";
    }
}

typedef struct {
    lzma_stream stream;
    uint64_t memory_limit;
} xz_state;

// LZMA_CONCATENATED: streams one after another, and stream padding, as xz(1) reads them; the memory
// limit bounds the dictionary a file may ask for.
static int start(xz_state *s, const char **message) {
    lzma_stream initial = LZMA_STREAM_INIT;
    s->stream = initial;
    lzma_ret status = api.stream_decoder(&s->stream, s->memory_limit, LZMA_CONCATENATED);
    if (status != LZMA_OK) { *message = describe(status); api.end(&s->stream); return -1; }
    return 0;
}

static void *create(uint64_t memory_limit, const char **message) {
    xz_state *s = calloc(1, sizeof *s);
    if (s == NULL) { *message = "out of memory"; return NULL; }
    s->memory_limit = memory_limit;
    if (start(s, message) != 0) { free(s); return NULL; }
    return s;
}

static bs_step step(void *state, const uint8_t *input, size_t input_size, size_t *input_used, uint8_t *output,
                    size_t output_size, size_t *output_made, int finishing, const char **message) {
    lzma_stream *s = &((xz_state *)state)->stream;
    s->next_in = input;
    s->avail_in = input_size;
    s->next_out = output;
    s->avail_out = output_size;
    lzma_ret status = api.code(s, finishing ? LZMA_FINISH : LZMA_RUN);
    *input_used = input_size - s->avail_in;
    *output_made = output_size - s->avail_out;
    if (status == LZMA_STREAM_END) return BS_STEP_STREAM_END;
    // LZMA_BUF_ERROR: no progress was possible (the input ends inside a stream): the caller sees that
    // nothing moved.
    if (status == LZMA_OK || status == LZMA_BUF_ERROR) return BS_STEP_OK;
    *message = describe(status);
    return status == LZMA_MEMLIMIT_ERROR ? BS_STEP_OVER_MEMORY_LIMIT : BS_STEP_ERROR;
}

static int restart(void *state, const char **message) {
    xz_state *s = state;
    api.end(&s->stream);
    return start(s, message);
}

static void destroy(void *state) {
    if (state == NULL) return;
    api.end(&((xz_state *)state)->stream);
    free(state);
}

const bs_codec_table bs_xz_codec = {1, names, load, create, step, restart, destroy};
#else
static int not_built(void) { return 0; }
const bs_codec_table bs_xz_codec = {0, names, not_built, NULL, NULL, NULL, NULL};
#endif
