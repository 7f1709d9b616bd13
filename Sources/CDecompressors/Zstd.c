// zstd (libzstd), for `bs_zstd_codec`.
#include "Codec.h"

#if defined(__APPLE__)
static const char *const names[] = {"libzstd.1.dylib", "/opt/homebrew/lib/libzstd.1.dylib", "/usr/local/lib/libzstd.1.dylib", NULL};
#else
static const char *const names[] = {"libzstd.so.1", NULL};
#endif

#if __has_include(<zstd.h>) && __has_include(<zstd_errors.h>)
#include <dlfcn.h>
#include <pthread.h>
#include <zstd.h>
#include <zstd_errors.h>

static struct {
    ZSTD_DCtx *(*create)(void);
    size_t (*free)(ZSTD_DCtx *);
    size_t (*set_parameter)(ZSTD_DCtx *, ZSTD_dParameter, int);
    size_t (*decompress_stream)(ZSTD_DCtx *, ZSTD_outBuffer *, ZSTD_inBuffer *);
    size_t (*reset)(ZSTD_DCtx *, ZSTD_ResetDirective);
    unsigned (*is_error)(size_t);
    const char *(*error_name)(size_t);
    ZSTD_ErrorCode (*error_code)(size_t);
} api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_once(void) {
    void *h = bs_open_first(names);
    loaded = h != NULL && BS_BIND(h, api.create, "ZSTD_createDCtx") && BS_BIND(h, api.free, "ZSTD_freeDCtx")
        && BS_BIND(h, api.set_parameter, "ZSTD_DCtx_setParameter")
        && BS_BIND(h, api.decompress_stream, "ZSTD_decompressStream") && BS_BIND(h, api.reset, "ZSTD_DCtx_reset")
        && BS_BIND(h, api.is_error, "ZSTD_isError") && BS_BIND(h, api.error_name, "ZSTD_getErrorName")
        && BS_BIND(h, api.error_code, "ZSTD_getErrorCode");
}

static int load(void) {
    pthread_once(&once, load_once);
    return loaded;
}

// The window: the largest power of two within the memory limit, between 2^10 and 2^31.
static int window_log(uint64_t memory_limit) {
    int log = 10;
    while (log < 31 && ((uint64_t)1 << (log + 1)) <= memory_limit) log++;
    return log;
}

static void *create(uint64_t memory_limit, const char **message) {
    ZSTD_DCtx *context = api.create();
    if (context == NULL) { *message = "out of memory"; return NULL; }
    size_t status = api.set_parameter(context, ZSTD_d_windowLogMax, window_log(memory_limit));
    if (api.is_error(status)) { *message = api.error_name(status); api.free(context); return NULL; }
    return context;
}

// ZSTD_decompressStream returns 0 once a frame is decoded and flushed: a stream's end here. Skippable
// frames (RFC 8878 §3.1.2) it passes over itself.
static bs_step step(void *state, const uint8_t *input, size_t input_size, size_t *input_used, uint8_t *output,
                    size_t output_size, size_t *output_made, int finishing, const char **message) {
    (void)finishing;
    ZSTD_inBuffer in = {input, input_size, 0};
    ZSTD_outBuffer out = {output, output_size, 0};
    size_t status = api.decompress_stream(state, &out, &in);
    *input_used = in.pos;
    *output_made = out.pos;
    if (api.is_error(status)) {
        *message = api.error_name(status);
        return api.error_code(status) == ZSTD_error_frameParameter_windowTooLarge ? BS_STEP_OVER_MEMORY_LIMIT
                                                                                  : BS_STEP_ERROR;
    }
    return status == 0 ? BS_STEP_STREAM_END : BS_STEP_OK;
}

static int restart(void *state, const char **message) {
    size_t status = api.reset(state, ZSTD_reset_session_only);
    if (api.is_error(status)) { *message = api.error_name(status); return -1; }
    return 0;
}

static void destroy(void *state) {
    if (state != NULL) api.free(state);
}

const bs_codec_table bs_zstd_codec = {1, names, load, create, step, restart, destroy};
#else
static int not_built(void) { return 0; }
const bs_codec_table bs_zstd_codec = {0, names, not_built, NULL, NULL, NULL, NULL};
#endif
