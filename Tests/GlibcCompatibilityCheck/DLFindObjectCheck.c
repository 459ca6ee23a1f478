#define _GNU_SOURCE
#include "GlibcCompatibilityCheck.h"
#include <dlfcn.h>
#include <string.h>

int __wrap__dl_find_object(void *address, struct dl_find_object *result);

// Compares the replacement with the build machine's glibc (2.35 or newer has the original).
enum dl_find_object_agreement ifs_compare_dl_find_object(const void *address) {
    struct dl_find_object ours, glibc;
    memset(&ours, 0, sizeof ours);
    memset(&glibc, 0, sizeof glibc);
    int ours_status = __wrap__dl_find_object((void *)address, &ours);
    int glibc_status = _dl_find_object((void *)address, &glibc);
    if (ours_status != glibc_status) return dl_find_object_status_differs;
    if (ours_status != 0) return dl_find_object_both_not_found;
    if (ours.dlfo_eh_frame != glibc.dlfo_eh_frame) return dl_find_object_eh_frame_differs;
    // GCC's unwinder reads only dlfo_eh_frame. The bounds must hold the address and start where glibc's do;
    // their end is not compared: for the test bundle glibc reports an end short of its last segment's (the
    // writable one), which depends on the bundle's layout.
    if (ours.dlfo_map_start != glibc.dlfo_map_start || (const char *)address >= (const char *)ours.dlfo_map_end ||
        ours.dlfo_map_end < glibc.dlfo_map_end) {
        return dl_find_object_bounds_differ;
    }
    return dl_find_object_both_found_alike;
}

const void *ifs_address_in_libc(void) { return (const void *)&strlen; }

const void *ifs_address_in_this_program(void) { return (const void *)&ifs_compare_dl_find_object; }
