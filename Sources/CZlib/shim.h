// The one place zlib enters the project: MailParsing inflates gzip-compressed mailboxes and messages
// (RFC 1952) as it reads them (`StreamDecompressor`).
#ifndef BACKSCATTER_CZLIB_SHIM_H
#define BACKSCATTER_CZLIB_SHIM_H
#include <zlib.h>
#endif
