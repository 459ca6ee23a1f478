/// Finds the bytes that end a run of plain string content, eight bytes at a time (SWAR): the quote, the
/// backslash and, for validation, control characters.
enum JSONByteScanner {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in each byte of `word` that is zero. Borrows can only mark bytes above a zero byte, so
    /// the lowest set bit is always exact.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }

    /// High bit set in each byte below `limit` (limit ≤ 128), exact for the lowest one.
    @inline(__always)
    private static func bytesBelow(_ word: UInt64, _ limit: UInt64) -> UInt64 { (word &- ones &* limit) & ~word & highs }

    /// Index of the first `"`, `\` or control byte at or after `start`, or `bytes.count`.
    @inline(__always)
    static func nextStringSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let mask = zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C)) | bytesBelow(word, 0x20)
                if mask != 0 { return index + mask.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return index
    }

    /// Position (0...7) of the first backslash in `word` (little-endian byte order), or 8 when there is none.
    @inline(__always)
    static func firstBackslash(inWord word: UInt64) -> Int {
        let mask = zeroBytes(word ^ (ones &* 0x5C))
        return mask == 0 ? 8 : mask.trailingZeroBitCount / 8
    }
}
