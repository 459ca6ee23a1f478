#include "GlibcCompatibility.h"
#include <math.h>

// The statically linked Swift Glibc overlay references hypotf, which glibc 2.35 re-versioned
// (hypotf@GLIBC_2.35); Amazon Linux 2023 has glibc 2.34. The linker's `--wrap=hypotf` sends every reference
// here. Computing in double cannot overflow for float inputs, so the result is the correctly rounded hypot
// in all but the rarest halfway cases. It must not call libm's hypotf: `--wrap` would turn that into
// recursion, and the old symbol version is not what a plain call binds to.
float __wrap_hypotf(float x, float y) {
    double dx = (double)x;
    double dy = (double)y;
    if (isinf(dx) || isinf(dy)) return INFINITY;
    return (float)sqrt(dx * dx + dy * dy);
}
