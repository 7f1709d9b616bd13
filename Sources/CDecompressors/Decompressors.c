// The interface of CDecompressors.h over the formats' tables (Codec.h): each library loaded with
// dlopen(3) on first use, each format in a file of its own (Bzip2.c, Xz.c, Zstd.c, Lz4.c).
#include "Codec.h"

#include <dlfcn.h>
#include <stdlib.h>

void *bs_open_first(const char *const *names) {
    for (const char *const *name = names; *name != NULL; name++) {
        void *handle = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
    }
    return NULL;
}

static const bs_codec_table *table(bs_codec codec) {
    switch (codec) {
    case BS_CODEC_BZIP2: return &bs_bzip2_codec;
    case BS_CODEC_XZ: return &bs_xz_codec;
    case BS_CODEC_ZSTD: return &bs_zstd_codec;
    case BS_CODEC_LZ4: return &bs_lz4_frame_codec;
    case BS_CODEC_DOVECOT_LZ4: return &bs_dovecot_lz4_codec;
    }
    return NULL;
}

struct bs_decoder {
    const bs_codec_table *table;
    void *state;
};

int bs_codec_built(bs_codec codec) {
    const bs_codec_table *t = table(codec);
    return t != NULL && t->built;
}

int bs_codec_load(bs_codec codec) {
    const bs_codec_table *t = table(codec);
    return t != NULL && t->built && t->load();
}

const char *bs_codec_library_name(bs_codec codec) {
    const bs_codec_table *t = table(codec);
    return t != NULL ? t->library_names[0] : "?";
}

bs_decoder *bs_decoder_new(bs_codec codec, uint64_t memory_limit, const char **message) {
    if (!bs_codec_load(codec)) { *message = "library not loaded"; return NULL; }
    bs_decoder *d = malloc(sizeof *d);
    if (d == NULL) { *message = "out of memory"; return NULL; }
    d->table = table(codec);
    d->state = d->table->create(memory_limit, message);
    if (d->state == NULL) { free(d); return NULL; }
    return d;
}

bs_step bs_decoder_step(bs_decoder *d, const uint8_t *input, size_t input_size, size_t *input_used,
                        uint8_t *output, size_t output_size, size_t *output_made, int finishing,
                        const char **message) {
    if (input_size > BS_STEP_BYTES_MAX) input_size = BS_STEP_BYTES_MAX;
    if (output_size > BS_STEP_BYTES_MAX) output_size = BS_STEP_BYTES_MAX;
    *input_used = 0;
    *output_made = 0;
    return d->table->step(d->state, input, input_size, input_used, output, output_size, output_made, finishing,
                          message);
}

int bs_decoder_restart(bs_decoder *d, const char **message) {
    return d->table->restart(d->state, message);
}

void bs_decoder_free(bs_decoder *d) {
    if (d == NULL) return;
    d->table->destroy(d->state);
    free(d);
}
