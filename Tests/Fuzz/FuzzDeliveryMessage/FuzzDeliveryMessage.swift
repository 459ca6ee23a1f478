import WebhookFuzzing

// Fuzz target: any bytes as a message on the delivery queue (see WebhookFuzzing.deliveryMessage).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    WebhookFuzzing.deliveryMessage(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@main
enum Target {
    static func main() { FuzzDriver.main(testOneInput: fuzzTestOneInput, replay: WebhookFuzzing.deliveryMessage) }
}
