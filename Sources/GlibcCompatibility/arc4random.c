#include "GlibcCompatibility.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

// The bootstrap links libstdc++ statically (deploy/build.sh), and libstdc++.a's std::random_device calls
// arc4random, which glibc added in 2.36; Amazon Linux 2023 has glibc 2.34. `--wrap=arc4random` sends the
// reference here. getrandom (glibc 2.25) reads the same kernel source; like glibc's arc4random, it never
// returns a weaker value: it retries when a signal interrupts it and aborts on any other failure.
uint32_t __wrap_arc4random(void) {
    uint32_t value;
    for (;;) {
        ssize_t count = getrandom(&value, sizeof value, 0);
        if (count == (ssize_t)sizeof value) return value;
        if (count < 0 && errno != EINTR) abort();
    }
}
