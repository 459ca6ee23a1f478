import ASCIIText

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// The header lines of the final response as received (`Name: value\r\n` each). Kept raw: a request reads
    /// two or three headers of the dozen it gets, so none is decoded until asked for.
    public var headerBlock: [UInt8]

    public init(status: Int, headerBlock: [UInt8], body: [UInt8]) {
        self.status = status
        self.headerBlock = headerBlock
        self.body = body
    }

    /// The value of the first header called `name` (matched without regard to ASCII case), surrounding
    /// spaces and tabs removed.
    public func header(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { wanted in
            headerBlock.withUnsafeBufferPointer { block in
                var lineStart = 0
                while lineStart < block.count {
                    var lineEnd = lineStart
                    while lineEnd < block.count, block[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                    // The colon right after a name of the wanted length rules out most lines at once.
                    let colon = lineStart + wanted.count
                    if colon < lineEnd, block[colon] == UInt8(ascii: ":"),
                        ASCII.equalIgnoringCase(UnsafeBufferPointer(rebasing: block[lineStart..<colon]), wanted)
                    {
                        var valueStart = colon + 1
                        var valueEnd = lineEnd
                        while valueStart < valueEnd, Self.isWhitespace(block[valueStart]) { valueStart += 1 }
                        while valueEnd > valueStart, Self.isWhitespace(block[valueEnd - 1]) { valueEnd -= 1 }
                        return String(decoding: UnsafeBufferPointer(rebasing: block[valueStart..<valueEnd]), as: UTF8.self)
                    }
                    lineStart = lineEnd + 1
                }
                return nil
            }
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
}
