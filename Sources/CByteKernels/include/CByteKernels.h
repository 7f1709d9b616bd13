// Byte kernels the Swift code cannot ask for itself: the bit mask of a sixteen-byte compare
// (`pmovmskb`, SSE2). Swift's SIMD types give a compare's lanes, not their bits: the scans read the
// lanes back as two 64-bit halves, several instructions a block more. `static inline`, so the compiler
// inlines them into the Swift callers (the release binary holds no call to them); a portable loop
// where SSE2 is missing. (A change here is not seen by an incremental build of the Swift files that
// import it: touch them.)
// Measured (bsd.mbox x3 full, `Main.main`): the header scan's line-end and name-stop blocks by these
// masks, 249.16M -> 247.77M (`HeaderSection.scanFields` 14.32M -> 12.93M); quoted-printable's plain
// runs, 247.77M -> 247.40M; `ByteSubstring`'s block search, 247.40M -> 247.27M (and simpler).
// `JSONWriter`'s plain blocks by such a mask: 247.77M -> 248.93M (the output's retains and releases
// rose; not kept).
#ifndef CBYTEKERNELS_H
#define CBYTEKERNELS_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit k set where byte k of the sixteen at `bytes` is below `limit` (unsigned).
static inline uint32_t bs_mask16_below(const uint8_t *bytes, uint8_t limit) {
#if defined(__SSE2__)
    __m128i block = _mm_loadu_si128((const __m128i *)(const void *)bytes);
    __m128i highest = _mm_set1_epi8((char)(uint8_t)(limit - 1));
    // Below `limit`: the lanes where min(byte, limit - 1) is the byte itself.
    return limit == 0 ? 0 : (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(block, highest), block));
#else
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (bytes[k] < limit) mask |= 1u << k;
    }
    return mask;
#endif
}

/// Bit k set where byte k of the sixteen at `bytes` ends a plain field name: a byte that is no ftext
/// (RFC 5322 §3.6.8: below 33 or above 126) or is the colon.
static inline uint32_t bs_mask16_name_stops(const uint8_t *bytes) {
#if defined(__SSE2__)
    __m128i block = _mm_loadu_si128((const __m128i *)(const void *)bytes);
    // In 33...126: the lanes that clamping to 33...126 leaves as they were.
    __m128i clamped = _mm_max_epu8(_mm_min_epu8(block, _mm_set1_epi8(126)), _mm_set1_epi8(33));
    uint32_t ftext = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(clamped, block));
    uint32_t colons = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8(':')));
    return (~ftext & 0xFFFFu) | colons;
#else
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (bytes[k] < 33 || bytes[k] > 126 || bytes[k] == ':') mask |= 1u << k;
    }
    return mask;
#endif
}

/// Bit k set where byte k of the sixteen at `bytes` is `byte` (the mbox reader's header line ends).
static inline uint32_t bs_mask16_equal(const uint8_t *bytes, uint8_t byte) {
#if defined(__SSE2__)
    __m128i block = _mm_loadu_si128((const __m128i *)(const void *)bytes);
    return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(block, _mm_set1_epi8((char)byte)));
#else
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (bytes[k] == byte) mask |= 1u << k;
    }
    return mask;
#endif
}

/// Bit k set where byte k of the sixteen at `bytes` is `first`, `second` or `third`.
static inline uint32_t bs_mask16_equal3(const uint8_t *bytes, uint8_t first, uint8_t second, uint8_t third) {
#if defined(__SSE2__)
    __m128i block = _mm_loadu_si128((const __m128i *)(const void *)bytes);
    __m128i marks = _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8((char)first)),
                                 _mm_cmpeq_epi8(block, _mm_set1_epi8((char)second)));
    marks = _mm_or_si128(marks, _mm_cmpeq_epi8(block, _mm_set1_epi8((char)third)));
    return (uint32_t)_mm_movemask_epi8(marks);
#else
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (bytes[k] == first || bytes[k] == second || bytes[k] == third) mask |= 1u << k;
    }
    return mask;
#endif
}

/// Bit k set where byte k of the sixteen at `firsts` is `first` and byte k of the sixteen at `finals`
/// is `final`: the places where a needle's first and last bytes both are (`ByteSubstring`'s search).
static inline uint32_t bs_mask16_pair(const uint8_t *firsts, uint8_t first, const uint8_t *finals, uint8_t final) {
#if defined(__SSE2__)
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)firsts);
    __m128i b = _mm_loadu_si128((const __m128i *)(const void *)finals);
    __m128i marks = _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8((char)first)),
                                  _mm_cmpeq_epi8(b, _mm_set1_epi8((char)final)));
    return (uint32_t)_mm_movemask_epi8(marks);
#else
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (firsts[k] == first && finals[k] == final) mask |= 1u << k;
    }
    return mask;
#endif
}

#endif
