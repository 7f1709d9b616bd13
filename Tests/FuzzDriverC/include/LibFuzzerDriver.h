// libFuzzer's driver, run from `BackscatterFuzz`'s own `main` (Tests/FuzzDriver): SwiftPM names an
// executable's entry point after its module and makes `main` an alias of it at link time, so libFuzzer's
// `main` cannot be the program's; its driver is called instead (libFuzzer's FuzzerInterface.h). Defined
// only in a build with -sanitize=fuzzer, which links libFuzzer; the plain build never calls it.
#ifndef BACKSCATTER_LIBFUZZER_DRIVER_H
#define BACKSCATTER_LIBFUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
