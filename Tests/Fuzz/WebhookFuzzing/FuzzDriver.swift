#if canImport(Glibc)
import Glibc
#endif

#if FUZZING
// libFuzzer's own driver (deploy/fuzz.sh builds with -sanitize=fuzzer,address -DFUZZING).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif

/// The `main` of a fuzz target: libFuzzer's driver in a fuzzing build; otherwise a replay of the files given
/// as arguments (a crash reproducer).
public enum FuzzDriver {
    public static func main(
        testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32, replay: ([UInt8]) -> Void
    ) -> Never {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
        #else
        for path in CommandLine.arguments.dropFirst() {
            replay(readBytes(path))
            print("ok \(path)")
        }
        exit(0)
        #endif
    }

    static func readBytes(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { return bytes }
        }
    }
}
