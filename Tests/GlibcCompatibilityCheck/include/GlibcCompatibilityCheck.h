#ifndef INTERCOM_FULLSTORY_GLIBC_COMPATIBILITY_CHECK_H
#define INTERCOM_FULLSTORY_GLIBC_COMPATIBILITY_CHECK_H
// Test support: the replacements in GlibcCompatibility against glibc's own functions.
enum dl_find_object_agreement {
    dl_find_object_both_found_alike,
    dl_find_object_both_not_found,
    dl_find_object_status_differs,
    dl_find_object_eh_frame_differs,
    dl_find_object_bounds_differ,
};
enum dl_find_object_agreement ifs_compare_dl_find_object(const void *address);
const void *ifs_address_in_libc(void);
const void *ifs_address_in_this_program(void);
#endif
