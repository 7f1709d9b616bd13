// Streaming decoders for the compression formats other than gzip: bzip2 (libbz2), xz (liblzma), zstd
// (libzstd), the LZ4 frame format and Dovecot's LZ4 container (liblz4), behind one interface for MailParsing's
// `StreamDecompressor`. zlib is linked (gzip is the common case); these four libraries are loaded with
// dlopen(3) the first time a file needs one, so the executable neither depends on them nor pays for
// loading them at every start, and a missing library is an error naming it, not a failure to start.
// Their headers are needed only at build time, and each only for its own format: built without one
// (`bs_codec_built`), the package still builds and only that format's files are refused.
#ifndef BACKSCATTER_CDECOMPRESSORS_H
#define BACKSCATTER_CDECOMPRESSORS_H

#include <stddef.h>
#include <stdint.h>

/// The formats this module decodes (gzip is zlib's, in Swift).
typedef enum {
    BS_CODEC_BZIP2 = 1,
    BS_CODEC_XZ = 2,
    BS_CODEC_ZSTD = 3,
    BS_CODEC_LZ4 = 4,
    /// Dovecot's own LZ4 container (its zlib plugin's `zlib_save = lz4`): a header, then LZ4 blocks.
    BS_CODEC_DOVECOT_LZ4 = 5,
} bs_codec;

/// What one step of decoding came to.
typedef enum {
    /// Input taken or output made (or neither, when there was nothing to do).
    BS_STEP_OK = 0,
    /// A stream (bzip2), a frame (zstd, LZ4) or, for xz and Dovecot's LZ4, the whole input ended;
    /// another stream may follow after `bs_decoder_restart` (xz's decoder reads concatenated streams
    /// itself; Dovecot's container ends where the file does, at a chunk's end).
    BS_STEP_STREAM_END = 1,
    /// The data is damaged; the message says how.
    BS_STEP_ERROR = -1,
    /// The stream asks for more memory than `memory_limit` (xz's dictionary, zstd's window).
    BS_STEP_OVER_MEMORY_LIMIT = -2,
} bs_step;

typedef struct bs_decoder bs_decoder;

/// 1 when `codec`'s library header was found at build time, so that it can be decoded at all.
int bs_codec_built(bs_codec codec);

/// Loads `codec`'s library, once; 1 when it was built and the library and every function used were
/// found, else 0.
int bs_codec_load(bs_codec codec);

/// A decoder for `codec`, or NULL with `*message` set (static text: a library not loaded, or the
/// library's refusal to start). `memory_limit` bounds what the decoder may allocate
/// for one stream where the format lets a file ask for much (xz's dictionary, zstd's window); bzip2
/// (at most ~3.6 MiB), LZ4 frames (at most ~8 MiB of blocks) and Dovecot's LZ4 (chunks of at most 1 MiB,
/// Dovecot's own bound) are bounded by their formats.
bs_decoder *bs_decoder_new(bs_codec codec, uint64_t memory_limit, const char **message);

/// Decodes from `input` (`input_size` bytes) into `output` (`output_size` bytes): `*input_used` and
/// `*output_made` say how much of each. `finishing`: no input follows what is given (xz needs to
/// know). On BS_STEP_ERROR `*message` names the damage (static text).
bs_step bs_decoder_step(bs_decoder *decoder, const uint8_t *input, size_t input_size, size_t *input_used,
                        uint8_t *output, size_t output_size, size_t *output_made, int finishing,
                        const char **message);

/// Makes the decoder ready for the next stream after BS_STEP_STREAM_END. 0 on success.
int bs_decoder_restart(bs_decoder *decoder, const char **message);

/// Frees the decoder (NULL is ignored).
void bs_decoder_free(bs_decoder *decoder);

/// The library file names tried for `codec`, first to last, as text for a message ("liblzma.so.5").
const char *bs_codec_library_name(bs_codec codec);

#endif
