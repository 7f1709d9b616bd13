// The LZ4 frame format and Dovecot's LZ4 container (liblz4), for `bs_lz4_frame_codec` and
// `bs_dovecot_lz4_codec`.
#include "Codec.h"

#if defined(__APPLE__)
static const char *const names[] = {"liblz4.1.dylib", "/opt/homebrew/lib/liblz4.1.dylib", "/usr/local/lib/liblz4.1.dylib", NULL};
#else
static const char *const names[] = {"liblz4.so.1", NULL};
#endif

#if __has_include(<lz4.h>) && __has_include(<lz4frame.h>)
#include <dlfcn.h>
#include <lz4.h>
#include <lz4frame.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct {
    LZ4F_errorCode_t (*create)(LZ4F_dctx **, unsigned);
    LZ4F_errorCode_t (*free)(LZ4F_dctx *);
    size_t (*decompress)(LZ4F_dctx *, void *, size_t *, const void *, size_t *, const LZ4F_decompressOptions_t *);
    void (*reset)(LZ4F_dctx *);
    unsigned (*is_error)(LZ4F_errorCode_t);
    const char *(*error_name)(LZ4F_errorCode_t);
    int (*decompress_block)(const char *, char *, int, int);
} api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_once(void) {
    void *h = bs_open_first(names);
    loaded = h != NULL && BS_BIND(h, api.create, "LZ4F_createDecompressionContext")
        && BS_BIND(h, api.free, "LZ4F_freeDecompressionContext") && BS_BIND(h, api.decompress, "LZ4F_decompress")
        && BS_BIND(h, api.reset, "LZ4F_resetDecompressionContext") && BS_BIND(h, api.is_error, "LZ4F_isError")
        && BS_BIND(h, api.error_name, "LZ4F_getErrorName") && BS_BIND(h, api.decompress_block, "LZ4_decompress_safe");
}

static int load(void) {
    pthread_once(&once, load_once);
    return loaded;
}

// MARK: - The frame format (what lz4(1) writes)

// A frame's memory is bounded by its format (blocks of at most 4 MiB): the limit is not needed.
static void *frame_create(uint64_t memory_limit, const char **message) {
    (void)memory_limit;
    LZ4F_dctx *context = NULL;
    LZ4F_errorCode_t status = api.create(&context, LZ4F_VERSION);
    if (api.is_error(status)) { *message = api.error_name(status); return NULL; }
    return context;
}

// LZ4F_decompress returns 0 once a frame is decoded and flushed: a stream's end here. After it the
// context decodes the next frame.
static bs_step frame_step(void *state, const uint8_t *input, size_t input_size, size_t *input_used, uint8_t *output,
                          size_t output_size, size_t *output_made, int finishing, const char **message) {
    (void)finishing;
    size_t made = output_size, used = input_size;
    size_t status = api.decompress(state, output, &made, input, &used, NULL);
    *input_used = used;
    *output_made = made;
    if (api.is_error(status)) { *message = api.error_name(status); return BS_STEP_ERROR; }
    return status == 0 ? BS_STEP_STREAM_END : BS_STEP_OK;
}

static int frame_restart(void *state, const char **message) {
    (void)message;
    api.reset(state);
    return 0;
}

static void frame_destroy(void *state) {
    if (state != NULL) api.free(state);
}

const bs_codec_table bs_lz4_frame_codec = {1, names, load, frame_create, frame_step, frame_restart, frame_destroy};

// MARK: - Dovecot's container

/// Dovecot's LZ4 container (src/lib-compression/iostream-lz4.h): the magic, the largest chunk's
/// uncompressed size (big-endian), then each chunk's compressed length (big-endian) and its LZ4 block.
#define DOVECOT_MAGIC "Dovecot-LZ4\x0d\x2a\x9b\xc5"
#define DOVECOT_MAGIC_BYTES 15
#define DOVECOT_HEADER_BYTES (DOVECOT_MAGIC_BYTES + 4)
/// The largest chunk Dovecot's reader accepts (ISTREAM_LZ4_CHUNK_SIZE); its writer cuts 64 KiB ones.
#define DOVECOT_MAX_CHUNK (1 << 20)

typedef struct {
    enum { DOVECOT_HEADER, DOVECOT_LENGTH, DOVECOT_CHUNK, DOVECOT_OUTPUT } phase;
    uint8_t header[DOVECOT_HEADER_BYTES];
    uint8_t length[4];
    size_t collected;          // bytes of the header, the length or the chunk gathered so far
    uint32_t max_chunk;        // the header's largest uncompressed chunk
    uint32_t chunk_bytes;      // the current chunk's compressed length
    uint8_t *chunk;            // LZ4_COMPRESSBOUND(max_chunk) bytes
    uint8_t *decoded;          // max_chunk bytes
    size_t decoded_bytes, decoded_given;
} dovecot_state;

// Dovecot's chunks are bounded by its format (1 MiB): the limit is not needed.
static void *dovecot_create(uint64_t memory_limit, const char **message) {
    (void)memory_limit;
    dovecot_state *s = calloc(1, sizeof *s);
    if (s == NULL) *message = "out of memory";
    return s;
}

// Takes up to `wanted - *collected` bytes from the input into `into`; 1 once all `wanted` are there.
static int gather(uint8_t *into, size_t wanted, size_t *collected, const uint8_t *input, size_t input_size,
                  size_t *input_used) {
    size_t take = wanted - *collected;
    if (take > input_size - *input_used) take = input_size - *input_used;
    if (take == 0) return *collected == wanted;   // `input` may be NULL when empty
    memcpy(into + *collected, input + *input_used, take);
    *collected += take;
    *input_used += take;
    return *collected == wanted;
}

static uint32_t big_endian(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

static bs_step dovecot_step(void *state, const uint8_t *input, size_t input_size, size_t *input_used,
                            uint8_t *output, size_t output_size, size_t *output_made, int finishing,
                            const char **message) {
    dovecot_state *s = state;
    for (;;) {
        switch (s->phase) {
        case DOVECOT_OUTPUT: {
            size_t give = s->decoded_bytes - s->decoded_given;
            if (give > output_size - *output_made) give = output_size - *output_made;
            memcpy(output + *output_made, s->decoded + s->decoded_given, give);
            *output_made += give;
            s->decoded_given += give;
            if (s->decoded_given < s->decoded_bytes) return BS_STEP_OK;   // the output is full
            s->phase = DOVECOT_LENGTH;
            s->collected = 0;
            break;
        }
        case DOVECOT_HEADER:
            if (!gather(s->header, DOVECOT_HEADER_BYTES, &s->collected, input, input_size, input_used)) return BS_STEP_OK;
            if (memcmp(s->header, DOVECOT_MAGIC, DOVECOT_MAGIC_BYTES) != 0) {
                *message = "not Dovecot's LZ4 container where one should start";
                return BS_STEP_ERROR;
            }
            s->max_chunk = big_endian(s->header + DOVECOT_MAGIC_BYTES);
            if (s->max_chunk == 0 || s->max_chunk > DOVECOT_MAX_CHUNK) {
                *message = "the header's chunk size is 0 or above Dovecot's 1 MiB";
                return BS_STEP_ERROR;
            }
            s->chunk = malloc(LZ4_COMPRESSBOUND(s->max_chunk));
            s->decoded = malloc(s->max_chunk);
            if (s->chunk == NULL || s->decoded == NULL) { *message = "out of memory"; return BS_STEP_ERROR; }
            s->phase = DOVECOT_LENGTH;
            s->collected = 0;
            break;
        case DOVECOT_LENGTH:
            // The container has no end mark: it ends where the file does, between chunks.
            if (s->collected == 0 && *input_used == input_size) return finishing ? BS_STEP_STREAM_END : BS_STEP_OK;
            if (!gather(s->length, 4, &s->collected, input, input_size, input_used)) return BS_STEP_OK;
            s->chunk_bytes = big_endian(s->length);
            if (s->chunk_bytes == 0 || s->chunk_bytes > (uint32_t)LZ4_COMPRESSBOUND(s->max_chunk)) {
                *message = "a chunk's length is 0 or more than its largest size can compress to";
                return BS_STEP_ERROR;
            }
            s->phase = DOVECOT_CHUNK;
            s->collected = 0;
            break;
        case DOVECOT_CHUNK: {
            if (!gather(s->chunk, s->chunk_bytes, &s->collected, input, input_size, input_used)) return BS_STEP_OK;
            int made = api.decompress_block((const char *)s->chunk, (char *)s->decoded, (int)s->chunk_bytes,
                                            (int)s->max_chunk);
            if (made < 0) { *message = "a chunk's LZ4 block is corrupt"; return BS_STEP_ERROR; }
            s->decoded_bytes = (size_t)made;
            s->decoded_given = 0;
            s->phase = DOVECOT_OUTPUT;
            break;
        }
        }
    }
}

static void dovecot_destroy(void *state) {
    dovecot_state *s = state;
    if (s == NULL) return;
    free(s->chunk);
    free(s->decoded);
    free(s);
}

// One container a file: another never follows (the driver asks for none).
static int dovecot_restart(void *state, const char **message) {
    dovecot_state *s = state;
    free(s->chunk);
    free(s->decoded);
    memset(s, 0, sizeof *s);
    (void)message;
    return 0;
}

const bs_codec_table bs_dovecot_lz4_codec = {1, names, load, dovecot_create, dovecot_step, dovecot_restart,
                                              dovecot_destroy};
#else
static int not_built(void) { return 0; }
const bs_codec_table bs_lz4_frame_codec = {0, names, not_built, NULL, NULL, NULL, NULL};
const bs_codec_table bs_dovecot_lz4_codec = {0, names, not_built, NULL, NULL, NULL, NULL};
#endif
