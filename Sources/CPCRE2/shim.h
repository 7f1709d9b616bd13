// The one place C from PCRE2 enters the project. Only BytePatterns imports it.
// PCRE2 needs its code-unit width chosen before the header: we match bytes (UTF-8 or not).
#ifndef BACKSCATTER_CPCRE2_SHIM_H
#define BACKSCATTER_CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
