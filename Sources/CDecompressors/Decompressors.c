// The decoders behind CDecompressors.h, each library loaded with dlopen(3) on first use. The
// headers give the types and constants; every function is called through a pointer dlsym(3) found.
#include "CDecompressors.h"

#include <bzlib.h>
#include <dlfcn.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

// MARK: - Loading the libraries

struct bzip2_api {
    int (*decompress_init)(bz_stream *, int, int);
    int (*decompress)(bz_stream *);
    int (*decompress_end)(bz_stream *);
};

struct xz_api {
    lzma_ret (*stream_decoder)(lzma_stream *, uint64_t, uint32_t);
    lzma_ret (*code)(lzma_stream *, lzma_action);
    void (*end)(lzma_stream *);
};

struct zstd_api {
    ZSTD_DCtx *(*create)(void);
    size_t (*free)(ZSTD_DCtx *);
    size_t (*set_parameter)(ZSTD_DCtx *, ZSTD_dParameter, int);
    size_t (*decompress_stream)(ZSTD_DCtx *, ZSTD_outBuffer *, ZSTD_inBuffer *);
    size_t (*reset)(ZSTD_DCtx *, ZSTD_ResetDirective);
    unsigned (*is_error)(size_t);
    const char *(*error_name)(size_t);
    ZSTD_ErrorCode (*error_code)(size_t);
};

struct lz4_api {
    LZ4F_errorCode_t (*create)(LZ4F_dctx **, unsigned);
    LZ4F_errorCode_t (*free)(LZ4F_dctx *);
    size_t (*decompress)(LZ4F_dctx *, void *, size_t *, const void *, size_t *, const LZ4F_decompressOptions_t *);
    void (*reset)(LZ4F_dctx *);
    unsigned (*is_error)(LZ4F_errorCode_t);
    const char *(*error_name)(LZ4F_errorCode_t);
    int (*decompress_block)(const char *, char *, int, int);
};

// The file names tried, first to last: the Debian and upstream sonames, then macOS's (the system's
// libbz2, Homebrew's others).
#if defined(__APPLE__)
static const char *const bzip2_names[] = {"libbz2.1.0.dylib", "libbz2.dylib", NULL};
static const char *const xz_names[] = {"liblzma.5.dylib", "/opt/homebrew/lib/liblzma.5.dylib", "/usr/local/lib/liblzma.5.dylib", NULL};
static const char *const zstd_names[] = {"libzstd.1.dylib", "/opt/homebrew/lib/libzstd.1.dylib", "/usr/local/lib/libzstd.1.dylib", NULL};
static const char *const lz4_names[] = {"liblz4.1.dylib", "/opt/homebrew/lib/liblz4.1.dylib", "/usr/local/lib/liblz4.1.dylib", NULL};
#else
static const char *const bzip2_names[] = {"libbz2.so.1.0", "libbz2.so.1", NULL};
static const char *const xz_names[] = {"liblzma.so.5", NULL};
static const char *const zstd_names[] = {"libzstd.so.1", NULL};
static const char *const lz4_names[] = {"liblz4.so.1", NULL};
#endif

static struct bzip2_api bzip2;
static struct xz_api xz;
static struct zstd_api zstd;
static struct lz4_api lz4;
// Set once by each loader: 1 when every function was found.
static int bzip2_loaded, xz_loaded, zstd_loaded, lz4_loaded;
static pthread_once_t bzip2_once = PTHREAD_ONCE_INIT, xz_once = PTHREAD_ONCE_INIT,
                      zstd_once = PTHREAD_ONCE_INIT, lz4_once = PTHREAD_ONCE_INIT;

static void *open_first(const char *const *names) {
    for (const char *const *name = names; *name != NULL; name++) {
        void *handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
    }
    return NULL;
}

// A symbol into a function pointer (POSIX guarantees the conversion for dlsym's result); 0 when missing.
#define BIND(handle, field, symbol) \
    (*(void **)(&(field)) = dlsym((handle), (symbol)), (field) != NULL)

static void load_bzip2(void) {
    void *h = open_first(bzip2_names);
    bzip2_loaded = h != NULL && BIND(h, bzip2.decompress_init, "BZ2_bzDecompressInit")
        && BIND(h, bzip2.decompress, "BZ2_bzDecompress") && BIND(h, bzip2.decompress_end, "BZ2_bzDecompressEnd");
}

static void load_xz(void) {
    void *h = open_first(xz_names);
    xz_loaded = h != NULL && BIND(h, xz.stream_decoder, "lzma_stream_decoder") && BIND(h, xz.code, "lzma_code")
        && BIND(h, xz.end, "lzma_end");
}

static void load_zstd(void) {
    void *h = open_first(zstd_names);
    zstd_loaded = h != NULL && BIND(h, zstd.create, "ZSTD_createDCtx") && BIND(h, zstd.free, "ZSTD_freeDCtx")
        && BIND(h, zstd.set_parameter, "ZSTD_DCtx_setParameter")
        && BIND(h, zstd.decompress_stream, "ZSTD_decompressStream") && BIND(h, zstd.reset, "ZSTD_DCtx_reset")
        && BIND(h, zstd.is_error, "ZSTD_isError") && BIND(h, zstd.error_name, "ZSTD_getErrorName")
        && BIND(h, zstd.error_code, "ZSTD_getErrorCode");
}

static void load_lz4(void) {
    void *h = open_first(lz4_names);
    lz4_loaded = h != NULL && BIND(h, lz4.create, "LZ4F_createDecompressionContext")
        && BIND(h, lz4.free, "LZ4F_freeDecompressionContext") && BIND(h, lz4.decompress, "LZ4F_decompress")
        && BIND(h, lz4.reset, "LZ4F_resetDecompressionContext") && BIND(h, lz4.is_error, "LZ4F_isError")
        && BIND(h, lz4.error_name, "LZ4F_getErrorName") && BIND(h, lz4.decompress_block, "LZ4_decompress_safe");
}

const char *bs_codec_library_name(bs_codec codec) {
    switch (codec) {
    case BS_CODEC_BZIP2: return bzip2_names[0];
    case BS_CODEC_XZ: return xz_names[0];
    case BS_CODEC_ZSTD: return zstd_names[0];
    case BS_CODEC_LZ4: case BS_CODEC_DOVECOT_LZ4: return lz4_names[0];
    }
    return "?";
}

// MARK: - Decoders

/// Dovecot's LZ4 container (src/lib-compression/iostream-lz4.h): the magic, the largest chunk's
/// uncompressed size (big-endian), then each chunk's compressed length (big-endian) and its LZ4 block.
#define DOVECOT_LZ4_MAGIC "Dovecot-LZ4\x0d\x2a\x9b\xc5"
#define DOVECOT_LZ4_MAGIC_BYTES 15
#define DOVECOT_LZ4_HEADER_BYTES (DOVECOT_LZ4_MAGIC_BYTES + 4)
/// The largest chunk Dovecot's reader accepts (ISTREAM_LZ4_CHUNK_SIZE); its writer cuts 64 KiB ones.
#define DOVECOT_LZ4_MAX_CHUNK (1 << 20)

struct dovecot_lz4 {
    enum { DOVECOT_HEADER, DOVECOT_LENGTH, DOVECOT_CHUNK, DOVECOT_OUTPUT } phase;
    uint8_t header[DOVECOT_LZ4_HEADER_BYTES];
    uint8_t length[4];
    size_t collected;          // bytes of the header, the length or the chunk gathered so far
    uint32_t max_chunk;        // the header's largest uncompressed chunk
    uint32_t chunk_bytes;      // the current chunk's compressed length
    uint8_t *chunk;            // LZ4_COMPRESSBOUND(max_chunk) bytes
    uint8_t *decoded;          // max_chunk bytes
    size_t decoded_bytes, decoded_given;
};

struct bs_decoder {
    bs_codec codec;
    uint64_t memory_limit;
    union {
        bz_stream bzip2;
        lzma_stream xz;
        ZSTD_DCtx *zstd;
        LZ4F_dctx *lz4;
        struct dovecot_lz4 dovecot;
    } state;
};

static const char *bzip2_message(int status) {
    switch (status) {
    case BZ_DATA_ERROR: return "data integrity error (a block's or the stream's CRC does not match)";
    case BZ_DATA_ERROR_MAGIC: return "not bzip2 data where a stream should start";
    case BZ_MEM_ERROR: return "out of memory";
    default: return "bzip2 library error";
    }
}

static const char *xz_message(lzma_ret status) {
    switch (status) {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "the file needs more memory to decode than the limit allows";
    case LZMA_FORMAT_ERROR: return "not xz data where a stream should start";
    case LZMA_OPTIONS_ERROR: return "unsupported compression options";
    case LZMA_DATA_ERROR: return "compressed data is corrupt";
    default: return "liblzma error";
    }
}

// The bytes of output a library call may be given at once (bzip2's and the LZ4 frame API's counts are
// `unsigned int` in places): larger buffers are filled over several steps.
#define STEP_BYTES_MAX ((size_t)1 << 30)

// zstd's window: the largest power of two within the memory limit, between 2^10 and 2^31.
static int zstd_window_log(uint64_t memory_limit) {
    int log = 10;
    while (log < 31 && ((uint64_t)1 << (log + 1)) <= memory_limit) log++;
    return log;
}

static int start(bs_decoder *d, const char **message) {
    switch (d->codec) {
    case BS_CODEC_BZIP2: {
        memset(&d->state.bzip2, 0, sizeof d->state.bzip2);
        int status = bzip2.decompress_init(&d->state.bzip2, 0, 0);
        if (status != BZ_OK) { *message = bzip2_message(status); return -1; }
        return 0;
    }
    case BS_CODEC_XZ: {
        lzma_stream initial = LZMA_STREAM_INIT;
        d->state.xz = initial;
        // LZMA_CONCATENATED: streams one after another, and stream padding, as xz(1) reads them.
        lzma_ret status = xz.stream_decoder(&d->state.xz, d->memory_limit, LZMA_CONCATENATED);
        if (status != LZMA_OK) { *message = xz_message(status); return -1; }
        return 0;
    }
    case BS_CODEC_ZSTD: {
        d->state.zstd = zstd.create();
        if (d->state.zstd == NULL) { *message = "out of memory"; return -1; }
        size_t status = zstd.set_parameter(d->state.zstd, ZSTD_d_windowLogMax, zstd_window_log(d->memory_limit));
        if (zstd.is_error(status)) { *message = zstd.error_name(status); return -1; }
        return 0;
    }
    case BS_CODEC_LZ4: {
        LZ4F_errorCode_t status = lz4.create(&d->state.lz4, LZ4F_VERSION);
        if (lz4.is_error(status)) { *message = lz4.error_name(status); return -1; }
        return 0;
    }
    case BS_CODEC_DOVECOT_LZ4:
        memset(&d->state.dovecot, 0, sizeof d->state.dovecot);
        return 0;
    }
    *message = "unknown format";
    return -1;
}

static void stop(bs_decoder *d) {
    switch (d->codec) {
    case BS_CODEC_BZIP2: bzip2.decompress_end(&d->state.bzip2); break;
    case BS_CODEC_XZ: xz.end(&d->state.xz); break;
    case BS_CODEC_ZSTD: if (d->state.zstd != NULL) zstd.free(d->state.zstd); d->state.zstd = NULL; break;
    case BS_CODEC_LZ4: if (d->state.lz4 != NULL) lz4.free(d->state.lz4); d->state.lz4 = NULL; break;
    case BS_CODEC_DOVECOT_LZ4:
        free(d->state.dovecot.chunk);
        free(d->state.dovecot.decoded);
        d->state.dovecot.chunk = NULL;
        d->state.dovecot.decoded = NULL;
        break;
    }
}

int bs_codec_load(bs_codec codec) {
    switch (codec) {
    case BS_CODEC_BZIP2: pthread_once(&bzip2_once, load_bzip2); return bzip2_loaded;
    case BS_CODEC_XZ: pthread_once(&xz_once, load_xz); return xz_loaded;
    case BS_CODEC_ZSTD: pthread_once(&zstd_once, load_zstd); return zstd_loaded;
    case BS_CODEC_LZ4: case BS_CODEC_DOVECOT_LZ4: pthread_once(&lz4_once, load_lz4); return lz4_loaded;
    }
    return 0;
}

bs_decoder *bs_decoder_new(bs_codec codec, uint64_t memory_limit, const char **message) {
    if (!bs_codec_load(codec)) { *message = "library not loaded"; return NULL; }
    bs_decoder *d = calloc(1, sizeof *d);
    if (d == NULL) { *message = "out of memory"; return NULL; }
    d->codec = codec;
    d->memory_limit = memory_limit;
    if (start(d, message) != 0) {
        // What a failed start made is freed (a zstd context whose parameter was refused; each
        // library's end function accepts a stream whose start failed).
        stop(d);
        free(d);
        return NULL;
    }
    return d;
}

int bs_decoder_restart(bs_decoder *d, const char **message) {
    switch (d->codec) {
    case BS_CODEC_ZSTD: {
        size_t status = zstd.reset(d->state.zstd, ZSTD_reset_session_only);
        if (zstd.is_error(status)) { *message = zstd.error_name(status); return -1; }
        return 0;
    }
    case BS_CODEC_LZ4:
        lz4.reset(d->state.lz4);
        return 0;
    case BS_CODEC_BZIP2:
    case BS_CODEC_XZ:
    case BS_CODEC_DOVECOT_LZ4:
        stop(d);
        return start(d, message);
    }
    *message = "unknown format";
    return -1;
}

void bs_decoder_free(bs_decoder *d) {
    if (d == NULL) return;
    stop(d);
    free(d);
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

static bs_step dovecot_lz4_step(struct dovecot_lz4 *s, const uint8_t *input, size_t input_size, size_t *input_used,
                                uint8_t *output, size_t output_size, size_t *output_made, int finishing,
                                const char **message) {
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
            if (!gather(s->header, DOVECOT_LZ4_HEADER_BYTES, &s->collected, input, input_size, input_used))
                return BS_STEP_OK;
            if (memcmp(s->header, DOVECOT_LZ4_MAGIC, DOVECOT_LZ4_MAGIC_BYTES) != 0) {
                *message = "not Dovecot's LZ4 container where one should start";
                return BS_STEP_ERROR;
            }
            s->max_chunk = (uint32_t)s->header[15] << 24 | (uint32_t)s->header[16] << 16
                | (uint32_t)s->header[17] << 8 | s->header[18];
            if (s->max_chunk == 0 || s->max_chunk > DOVECOT_LZ4_MAX_CHUNK) {
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
            s->chunk_bytes = (uint32_t)s->length[0] << 24 | (uint32_t)s->length[1] << 16
                | (uint32_t)s->length[2] << 8 | s->length[3];
            if (s->chunk_bytes == 0 || s->chunk_bytes > (uint32_t)LZ4_COMPRESSBOUND(s->max_chunk)) {
                *message = "a chunk's length is 0 or more than its largest size can compress to";
                return BS_STEP_ERROR;
            }
            s->phase = DOVECOT_CHUNK;
            s->collected = 0;
            break;
        case DOVECOT_CHUNK: {
            if (!gather(s->chunk, s->chunk_bytes, &s->collected, input, input_size, input_used)) return BS_STEP_OK;
            int made = lz4.decompress_block((const char *)s->chunk, (char *)s->decoded, (int)s->chunk_bytes,
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

bs_step bs_decoder_step(bs_decoder *d, const uint8_t *input, size_t input_size, size_t *input_used,
                        uint8_t *output, size_t output_size, size_t *output_made, int finishing,
                        const char **message) {
    if (input_size > STEP_BYTES_MAX) input_size = STEP_BYTES_MAX;
    if (output_size > STEP_BYTES_MAX) output_size = STEP_BYTES_MAX;
    *input_used = 0;
    *output_made = 0;
    switch (d->codec) {
    case BS_CODEC_BZIP2: {
        bz_stream *s = &d->state.bzip2;
        s->next_in = (char *)input;
        s->avail_in = (unsigned int)input_size;
        s->next_out = (char *)output;
        s->avail_out = (unsigned int)output_size;
        int status = bzip2.decompress(s);
        *input_used = input_size - s->avail_in;
        *output_made = output_size - s->avail_out;
        if (status == BZ_STREAM_END) return BS_STEP_STREAM_END;
        if (status == BZ_OK) return BS_STEP_OK;
        *message = bzip2_message(status);
        return BS_STEP_ERROR;
    }
    case BS_CODEC_XZ: {
        lzma_stream *s = &d->state.xz;
        s->next_in = input;
        s->avail_in = input_size;
        s->next_out = output;
        s->avail_out = output_size;
        lzma_ret status = xz.code(s, finishing ? LZMA_FINISH : LZMA_RUN);
        *input_used = input_size - s->avail_in;
        *output_made = output_size - s->avail_out;
        if (status == LZMA_STREAM_END) return BS_STEP_STREAM_END;
        // LZMA_BUF_ERROR: no progress was possible (the input ends inside a stream): the caller sees
        // that nothing moved.
        if (status == LZMA_OK || status == LZMA_BUF_ERROR) return BS_STEP_OK;
        *message = xz_message(status);
        return status == LZMA_MEMLIMIT_ERROR ? BS_STEP_OVER_MEMORY_LIMIT : BS_STEP_ERROR;
    }
    case BS_CODEC_ZSTD: {
        ZSTD_inBuffer in = {input, input_size, 0};
        ZSTD_outBuffer out = {output, output_size, 0};
        size_t status = zstd.decompress_stream(d->state.zstd, &out, &in);
        *input_used = in.pos;
        *output_made = out.pos;
        if (zstd.is_error(status)) {
            *message = zstd.error_name(status);
            return zstd.error_code(status) == ZSTD_error_frameParameter_windowTooLarge ? BS_STEP_OVER_MEMORY_LIMIT
                                                                                       : BS_STEP_ERROR;
        }
        return status == 0 ? BS_STEP_STREAM_END : BS_STEP_OK;
    }
    case BS_CODEC_LZ4: {
        size_t made = output_size, used = input_size;
        size_t status = lz4.decompress(d->state.lz4, output, &made, input, &used, NULL);
        *input_used = used;
        *output_made = made;
        if (lz4.is_error(status)) { *message = lz4.error_name(status); return BS_STEP_ERROR; }
        return status == 0 ? BS_STEP_STREAM_END : BS_STEP_OK;
    }
    case BS_CODEC_DOVECOT_LZ4:
        return dovecot_lz4_step(&d->state.dovecot, input, input_size, input_used, output, output_size, output_made,
                                finishing, message);
    }
    *message = "unknown format";
    return BS_STEP_ERROR;
}
