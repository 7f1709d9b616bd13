#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte buffers from malloc, for the scratch and the storage the text readers hold: `UnsafeMutablePointer`'s
/// `allocate` asks the runtime for memory aligned as it chooses, which goes to posix_memalign (through
/// mimalloc's aligned path: ~120 instructions for a small buffer, ~290 for a few KiB, where malloc takes
/// ~40 to ~160).
package enum MallocBytes {
    /// `count` uninitialized bytes (at least one is asked of malloc), to be given back by `free`.
    package static func allocate(_ count: Int) -> UnsafeMutableBufferPointer<UInt8> {
        guard let bytes = malloc(Swift.max(count, 1)) else { fatalError("MallocBytes: out of memory") }
        return UnsafeMutableBufferPointer(start: bytes.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Gives back bytes from `allocate`.
    package static func free(_ bytes: UnsafeMutableBufferPointer<UInt8>) {
        freeMemory(bytes.baseAddress)
    }
}

/// The C library's `free` (`MallocBytes.free` hides the name).
private func freeMemory(_ pointer: UnsafeMutableRawPointer?) {
    free(pointer)
}
