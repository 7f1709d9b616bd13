import CMimalloc
import CMimallocOptions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The executable's start-up asks mimalloc for large OS pages before anything allocates
/// (`CMimallocOptions`, run from the pre-initialisation array of this test executable too), unless the
/// environment sets `MIMALLOC_LARGE_OS_PAGES`, which mimalloc then follows itself.
@Suite struct AllocatorOptionsTests {
    @Test func largePagesAskedForUnlessTheEnvironmentDecides() {
        let decidedByEnvironment = getenv("MIMALLOC_LARGE_OS_PAGES") != nil
        #expect(backscatter_mimalloc_large_pages_requested() == (decidedByEnvironment ? 0 : 1))
        if !decidedByEnvironment {
            #expect(mi_option_is_enabled(mi_option_large_os_pages))
        }
    }
}
