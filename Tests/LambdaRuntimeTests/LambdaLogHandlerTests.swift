import FlatJSON
import LambdaRuntime
import Logging
import NIOConcurrencyHelpers
import Testing

@Suite struct LambdaLogHandlerTests {
    func capture(_ environment: [String: String], _ body: (Logger) -> Void) -> [String] {
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "test") { label in
            LambdaLogHandler(label: label, environment: { environment[$0] }) { bytes in
                lines.withLockedValue { $0.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        logger[metadataKey: "requestId"] = "req-9"
        body(logger)
        return lines.withLockedValue { $0 }
    }

    @Test func jsonLinesCarryTheLambdaFields() throws {
        let lines = capture(["AWS_LAMBDA_LOG_FORMAT": "JSON"]) { $0.info("invocation", metadata: ["outcome": "delivered"]) }
        let line = try #require(lines.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().allSatisfy { $0 != "\n" })
        let root = try JSONDocument(parsing: String(line.dropLast())).root
        #expect(root["level"]?.string == "INFO")
        #expect(root["message"]?.string == "invocation")
        #expect(root["requestId"]?.string == "req-9")
        #expect(root["outcome"]?.string == "delivered")
        #expect(root["timestamp"]?.string.flatMap(ISO8601Check.isRFC3339) == true)
    }

    @Test func levelIsHonoured() {
        let lines = capture(["AWS_LAMBDA_LOG_LEVEL": "WARN"]) { logger in
            logger.info("hidden")
            logger.warning("shown")
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("WARN req-9 shown") == true)
    }

    @Test func textLinesStayOneLine() {
        let lines = capture([:]) { $0.error("two\nlines", metadata: ["k": "a\nb"]) }
        #expect(lines.count == 1)
        #expect(lines.first?.dropLast().contains("\n") == false)
    }
}

enum ISO8601Check {
    static func isRFC3339(_ text: String) -> Bool {
        text.count == 24 && text.hasSuffix("Z") && text.dropFirst(10).first == "T"
    }
}
