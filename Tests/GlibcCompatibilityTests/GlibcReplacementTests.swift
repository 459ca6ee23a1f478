import GlibcCompatibility
import GlibcCompatibilityCheck
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The replacements for glibc symbols newer than Amazon Linux 2023's 2.34 agree with glibc itself (the build
/// machine's glibc has the originals).
@Suite struct GlibcReplacementTests {
    @Test func findsTheSameObjectAsGlibc() throws {
        // Code in libc, and code in this test executable.
        for address in [ifs_address_in_libc(), ifs_address_in_this_program()] {
            #expect(ifs_compare_dl_find_object(address) == dl_find_object_both_found_alike)
        }
    }

    @Test func answersNotFoundOutsideEveryObject() throws {
        let heap = try #require(malloc(64))
        defer { free(heap) }
        #expect(ifs_compare_dl_find_object(heap) == dl_find_object_both_not_found)
    }

    @Test func randomWordsDiffer() {
        let words = (0..<8).map { _ in __wrap_arc4random() }
        #expect(Set(words).count > 1)
    }
}
