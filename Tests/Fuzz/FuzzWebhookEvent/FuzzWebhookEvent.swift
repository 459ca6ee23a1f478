import WebhookFuzzing

// Fuzz target: any bytes as the Lambda event (see WebhookFuzzing).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    WebhookFuzzing.event(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@main
enum Target {
    static func main() { FuzzDriver.main(testOneInput: fuzzTestOneInput, replay: WebhookFuzzing.event) }
}
