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

    /// Index of the first `"`, `\` or control byte at or after `start`, or `bytes.count`. With `leadEF`, also of
    /// the byte 0xEF, which leads U+F000…U+FFFF: `JSONWriter` escapes U+FFFE and U+FFFF among them (valid JSON, but
    /// characters SQS and other XML-based services refuse). Inlined with a constant, the extra test costs the
    /// parser nothing.
    @inline(__always)
    static func nextStringSpecial(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, leadEF: Bool = false) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                var mask = zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C)) | bytesBelow(word, 0x20)
                if leadEF { mask |= zeroBytes(word ^ (ones &* 0xEF)) }
                if mask != 0 { return index + mask.trailingZeroBitCount / 8 }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (leadEF && byte == 0xEF) { return index }
            index += 1
        }
        return index
    }

    private static let lowSevens: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    private static let lastByte: UInt64 = 0x80 << 56

    /// High bit set in exactly the bytes of `word` that are zero (no borrow between bytes, unlike `zeroBytes`).
    @inline(__always)
    private static func exactZeroBytes(_ word: UInt64) -> UInt64 { ~(((word & lowSevens) &+ lowSevens) | word | lowSevens) }

    /// High bit set in exactly the bytes of `word` below 0x20.
    @inline(__always)
    private static func exactControlBytes(_ word: UInt64) -> UInt64 {
        ~(((word & lowSevens) &+ (ones &* 0x60)) | word) & highs
    }

    /// What the eight bytes at `index` (all inside the buffer) do to a string being scanned.
    enum StringWord {
        /// No quote ends the string here and every backslash is a complete `\"` inside the word.
        case continues(hasEscapes: Bool)
        /// The string ends at `offset` (0...7); any backslash before it is a complete `\"`.
        case ends(offset: Int, hasEscapes: Bool)
        /// Something the caller must look at byte by byte: another escape, a control character, or a
        /// backslash in the last byte whose partner is in the next word.
        case needsCare
    }

    /// Classifies eight string bytes at once. Bodies carried inside API Gateway events are dense with `\"`;
    /// this lets a scanner pass them without stopping at each one.
    @inline(__always)
    static func classifyStringWord(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> StringWord {
        guard let base = bytes.baseAddress else { return .needsCare }
        let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self))
        // The cheap masks are zero exactly when no byte is special: most words stop here.
        let quoteTest = word ^ (ones &* 0x22)
        let backslashTest = word ^ (ones &* 0x5C)
        let anySpecial = zeroBytes(quoteTest) | zeroBytes(backslashTest) | bytesBelow(word, 0x20)
        if anySpecial == 0 { return .continues(hasEscapes: false) }
        // The lowest mark is exact. When it is a quote, the string simply ends there (most keys and values).
        let firstSpecial = anySpecial.trailingZeroBitCount / 8
        if (word >> UInt64(firstSpecial * 8)) & 0xFF == 0x22 { return .ends(offset: firstSpecial, hasEscapes: false) }
        let quotes = exactZeroBytes(quoteTest)
        let backslashes = exactZeroBytes(backslashTest)
        // The byte after each backslash (one byte up: little-endian) must be a quote in this same word.
        let escapedBytes = backslashes << 8
        guard exactControlBytes(word) == 0, backslashes & lastByte == 0, escapedBytes & ~quotes == 0 else {
            return .needsCare
        }
        let closingQuotes = quotes & ~escapedBytes
        if closingQuotes == 0 { return .continues(hasEscapes: backslashes != 0) }
        let first = closingQuotes & (0 &- closingQuotes)
        return .ends(offset: first.trailingZeroBitCount / 8, hasEscapes: backslashes & (first &- 1) != 0)
    }

    /// Position (0...7) of the first backslash in `word` (little-endian byte order), or 8 when there is none.
    @inline(__always)
    static func firstBackslash(inWord word: UInt64) -> Int {
        let mask = zeroBytes(word ^ (ones &* 0x5C))
        return mask == 0 ? 8 : mask.trailingZeroBitCount / 8
    }
}
