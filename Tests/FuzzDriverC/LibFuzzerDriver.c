// Only the header matters (see it); a C target needs a source file.
#include "LibFuzzerDriver.h"
