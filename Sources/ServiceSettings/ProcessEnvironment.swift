#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Environment variables, read one by one with `getenv`: start-up reads a dozen of them, so copying the whole
/// environment into a dictionary would be work on the cold-start path for nothing.
public enum ProcessEnvironment {
    public static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
