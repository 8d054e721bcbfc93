/// A small pull scanner for the XML of office files (XLSX parts): start and end tags with
/// their attributes, and text with the five named and the numeric character references
/// decoded. Namespace prefixes are dropped from names (`x:row` is `row`); comments,
/// processing instructions, declarations and CDATA are handled; DTDs are not expanded.
/// It reads what it is given and never fails: malformed input ends the scan early.
public struct XMLScanner {
    public enum Token: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    let bytes: [UInt8]
    var index = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // A UTF-8 byte-order mark is not text.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    public mutating func next() -> Token? {
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                return .text(Self.decode(bytes[start..<index]))
            }
            if starts(with: "<!--") {
                skip(past: "-->")
                continue
            }
            if starts(with: "<![CDATA[") {
                let start = index + 9
                skip(past: "]]>")
                let end = max(start, min(index, bytes.count) - 3)
                return .text(String(decoding: bytes[start..<end], as: UTF8.self))
            }
            if starts(with: "<?") || starts(with: "<!") {
                skip(past: ">")
                continue
            }
            return tag()
        }
        return nil
    }

    // MARK: tags

    mutating func tag() -> Token? {
        index += 1  // <
        let closing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
        if closing { index += 1 }
        let name = localName(readName())
        if closing {
            skip(past: ">")
            return .end(name: name)
        }
        var attributes: [String: String] = [:]
        while index < bytes.count {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ">"):
                index += 1
                return .start(name: name, attributes: attributes, selfClosing: false)
            case UInt8(ascii: "/"):
                skip(past: ">")
                return .start(name: name, attributes: attributes, selfClosing: true)
            default:
                let key = readName()
                guard !key.isEmpty else { index = bytes.count; return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
                index += 1
                skipSpace()
                guard index < bytes.count else { return nil }
                let quote = bytes[index]
                guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { index = bytes.count; return nil }
                index += 1
                let start = index
                while index < bytes.count, bytes[index] != quote { index += 1 }
                attributes[key.hasPrefix("xmlns") ? key : localName(key)] = Self.decode(bytes[start..<min(index, bytes.count)])
                index += 1
            }
        }
        return nil
    }

    mutating func readName() -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    mutating func skipSpace() {
        while index < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
            .contains(bytes[index]) { index += 1 }
    }

    func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { pattern in
            pattern.indices.allSatisfy { bytes[index + $0] == pattern[$0] }
        }
    }

    /// Moves past the next `marker` (or to the end).
    mutating func skip(past marker: StaticString) {
        while index < bytes.count {
            if starts(with: marker) {
                index += marker.utf8CodeUnitCount
                return
            }
            index += 1
        }
    }

    // MARK: references

    /// Text with `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#NN;` `&#xHH;` decoded; an unknown
    /// reference is kept as written.
    static func decode(_ slice: ArraySlice<UInt8>) -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = slice.startIndex
        while i < slice.endIndex {
            let byte = slice[i]
            guard byte == UInt8(ascii: "&"), let semicolon = slice[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                out.append(byte)
                i += 1
                continue
            }
            let name = String(decoding: slice[(i + 1)..<semicolon], as: UTF8.self)
            if let text = reference(name) {
                out.append(contentsOf: Array(text.utf8))
                i = semicolon + 1
            } else {
                out.append(byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func reference(_ name: String) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let number = name.dropFirst()
            let value = number.hasPrefix("x") || number.hasPrefix("X") ? UInt32(number.dropFirst(), radix: 16) : UInt32(number)
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }

    /// Text as XML content or an attribute value: `& < > "` escaped, and characters XML 1.0
    /// cannot carry (control characters other than tab and line breaks) left out.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
