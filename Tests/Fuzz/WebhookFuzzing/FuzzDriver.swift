#if canImport(Glibc)
import Glibc
#endif
import FileContents

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
            do {
                replay(try FileContents.read(path))
            } catch {
                print("\(error)")
                exit(1)
            }
            print("ok \(path)")
        }
        exit(0)
        #endif
    }
}
