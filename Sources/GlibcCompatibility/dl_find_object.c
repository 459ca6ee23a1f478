#define _GNU_SOURCE
#include "GlibcCompatibility.h"
#include <dlfcn.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>

// The bootstrap links GCC's unwinder statically (libgcc_eh, see deploy/build.sh: one shared library fewer at
// every cold start). GCC 12 built it against glibc 2.35's _dl_find_object; Amazon Linux 2023 has glibc 2.34, so
// `--wrap=_dl_find_object` sends the call here and the answer comes from dl_iterate_phdr (glibc 2.2.4). The
// unwinder reads only dlfo_eh_frame; the mapping bounds are filled in as glibc does.
struct search {
    uintptr_t address;
    struct dl_find_object *result;
    int found;
};

static int visit(struct dl_phdr_info *info, size_t size, void *context) {
    (void)size;
    struct search *search = context;
    uintptr_t start = UINTPTR_MAX, end = 0;
    const ElfW(Phdr) *eh_frame = NULL;
    int contains = 0;
    for (ElfW(Half) index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type == PT_LOAD) {
            uintptr_t segment_start = info->dlpi_addr + header->p_vaddr;
            uintptr_t segment_end = segment_start + header->p_memsz;
            if (search->address >= segment_start && search->address < segment_end) contains = 1;
            if (segment_start < start) start = segment_start;
            if (segment_end > end) end = segment_end;
        } else if (header->p_type == PT_GNU_EH_FRAME) {
            eh_frame = header;
        }
    }
    if (!contains) return 0;
    search->result->dlfo_flags = 0;
    search->result->dlfo_map_start = (void *)start;
    search->result->dlfo_map_end = (void *)end;
    search->result->dlfo_link_map = NULL;
    search->result->dlfo_eh_frame = eh_frame ? (void *)(info->dlpi_addr + eh_frame->p_vaddr) : NULL;
    search->found = 1;
    return 1;
}

int __wrap__dl_find_object(void *address, struct dl_find_object *result) {
    struct search search = {(uintptr_t)address, result, 0};
    dl_iterate_phdr(visit, &search);
    return search.found ? 0 : -1;
}
