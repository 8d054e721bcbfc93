import Foundation
import NIOConcurrencyHelpers

/// Writes a PDF 1.7 file: pages of drawing commands, the two fonts as embedded TrueType
/// subsets (Type 0 / CIDFontType2, Identity-H, with a ToUnicode map so the text can be found
/// and copied), pictures as image XObjects. The layout is `PDFLayout`'s; this only writes.
struct PDFFile {
    struct Page {
        var content = ""
        var images: Set<Int> = []
    }

    let fonts: [TrueTypeFont]
    var pages: [Page] = []
    var images: [PDFImage] = []
    /// The glyphs each font drew (for its subset, its widths and its ToUnicode map).
    var glyphs: [[UInt16: Unicode.Scalar]]
    var title: String

    init(fonts: [TrueTypeFont], title: String) {
        self.fonts = fonts
        self.glyphs = fonts.map { _ in [:] }
        self.title = title
    }

    /// Text as the hex string of its glyph ids, remembering the glyphs.
    mutating func encode(_ text: String, font: Int) -> String {
        var hex = "<"
        for scalar in text.unicodeScalars {
            let glyph = fonts[font].glyph(scalar)
            if glyphs[font][glyph] == nil { glyphs[font][glyph] = scalar }
            Self.appendHex(glyph, to: &hex)
        }
        return hex + ">"
    }

    static let hexDigits = Array("0123456789ABCDEF")

    /// Four hex digits (faster than `String(format:)`, which a page of text calls thousands of times).
    static func appendHex(_ value: UInt16, to text: inout String) {
        for shift in [12, 8, 4, 0] { text.append(hexDigits[Int(value >> UInt16(shift)) & 0xF]) }
    }

    func data(pageSize: (Double, Double)) -> Data {
        var out = Data()
        var offsets: [Int] = []
        func write(_ text: String) { out.append(contentsOf: Array(text.utf8)) }
        /// Objects are numbered in the order written; `reserve` hands out numbers ahead.
        var next = 1
        func reserve() -> Int { defer { next += 1 }; return next }
        func object(_ number: Int, _ body: String, stream: Data? = nil) {
            while offsets.count < number { offsets.append(0) }
            offsets[number - 1] = out.count
            write("\(number) 0 obj\n")
            if let stream {
                write(body.isEmpty ? "<< /Length \(stream.count) >>" : "<< \(body) /Length \(stream.count) >>")
                write("\nstream\n")
                out.append(stream)
                write("\nendstream\nendobj\n")
            } else {
                write(body + "\nendobj\n")
            }
        }
        write("%PDF-1.7\n%\u{00E2}\u{00E3}\u{00CF}\u{00D3}\n")
        let catalog = reserve(), pagesRoot = reserve(), info = reserve()
        let fontObjects = fonts.map { _ in reserve() }
        let imageObjects = images.map { _ in reserve() }
        let pageObjects = pages.map { _ in reserve() }
        object(catalog, "<< /Type /Catalog /Pages \(pagesRoot) 0 R >>")
        object(pagesRoot, "<< /Type /Pages /Count \(pages.count) /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] >>")
        object(info, "<< /Producer (Rapport) /Title \(Self.textString(title)) >>")
        for (index, font) in fonts.enumerated() {
            let used = glyphs[index]
            let tag = Self.subsetTag(index, used.count)
            let name = "/\(tag)+\(font.postScriptName.filter { $0.isLetter || $0.isNumber || $0 == "-" })"
            let descendant = reserve(), descriptor = reserve(), file = reserve(), toUnicode = reserve()
            object(fontObjects[index], "<< /Type /Font /Subtype /Type0 /BaseFont \(name) /Encoding /Identity-H "
                + "/DescendantFonts [\(descendant) 0 R] /ToUnicode \(toUnicode) 0 R >>")
            let widths = used.keys.sorted().map { "\($0) [\(Int(font.width($0).rounded()))]" }.joined(separator: " ")
            object(descendant, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont \(name) "
                + "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor \(descriptor) 0 R "
                + "/DW 0 /W [\(widths)] /CIDToGIDMap /Identity >>")
            let scale = 1000 / Double(font.unitsPerEm)
            let box = font.boundingBox
            object(descriptor, "<< /Type /FontDescriptor /FontName \(name) /Flags 32 "
                + "/FontBBox [\(Int(Double(box.0) * scale)) \(Int(Double(box.1) * scale)) \(Int(Double(box.2) * scale)) \(Int(Double(box.3) * scale))] "
                + "/ItalicAngle \(font.italicAngle) /Ascent \(Int(Double(font.ascent) * scale)) /Descent \(Int(Double(font.descent) * scale)) "
                + "/CapHeight \(Int(Double(font.capHeight) * scale)) /StemV 80 /FontFile2 \(file) 0 R >>")
            let (length, compressed) = Self.subsets.subset(of: font, used.keys)
            object(file, "/Filter /FlateDecode /Length1 \(length)", stream: compressed)
            object(toUnicode, "/Filter /FlateDecode", stream: Zlib.compress(Data(Self.toUnicode(used).utf8)))
        }
        for (index, image) in images.enumerated() {
            var mask = ""
            if let alpha = image.alpha {
                let maskObject = reserve()
                object(maskObject, "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) /ColorSpace /DeviceGray "
                    + "/BitsPerComponent 8 /Filter /FlateDecode", stream: alpha)
                mask = " /SMask \(maskObject) 0 R"
            }
            let parms = image.decodeParms.map { " /DecodeParms \($0)" } ?? ""
            let decode = image.invertCMYK ? " /Decode [1 0 1 0 1 0 1 0]" : ""
            object(imageObjects[index], "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) "
                + "/ColorSpace \(image.colorSpace) /BitsPerComponent 8 /Filter \(image.filter)\(parms)\(decode)\(mask)", stream: image.bytes)
        }
        let fontResources = fontObjects.enumerated().map { "/F\($0.offset) \($0.element) 0 R" }.joined(separator: " ")
        for (index, page) in pages.enumerated() {
            let content = reserve()
            let xobjects = page.images.sorted().map { "/Im\($0) \(imageObjects[$0]) 0 R" }.joined(separator: " ")
            object(pageObjects[index], "<< /Type /Page /Parent \(pagesRoot) 0 R /MediaBox [0 0 \(Self.number(pageSize.0)) \(Self.number(pageSize.1))] "
                + "/Resources << /Font << \(fontResources) >>\(xobjects.isEmpty ? "" : " /XObject << \(xobjects) >>") >> /Contents \(content) 0 R >>")
            object(content, "/Filter /FlateDecode", stream: Zlib.compress(Data(page.content.utf8)))
        }
        let xref = out.count
        write("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n")
        for offset in offsets {
            let digits = String(offset)
            write(String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n")
        }
        write("trailer\n<< /Size \(offsets.count + 1) /Root \(catalog) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        return out
    }

    /// Font subsets already made and deflated: documents of one template use the same glyphs.
    static let subsets = SubsetCache()

    final class SubsetCache: Sendable {
        let made = NIOLockedValueBox<[String: (Int, Data)]>([:])
        static let limit = 256

        /// The subset of `font` for `glyphs`: its length and its deflated bytes.
        func subset(of font: TrueTypeFont, _ glyphs: some Collection<UInt16>) -> (Int, Data) {
            let sorted = glyphs.sorted()
            var key = font.postScriptName + ":"
            for glyph in sorted { appendHex(glyph, to: &key) }
            if let known = made.withLockedValue({ $0[key] }) { return known }
            let subset = font.subset(Set(sorted))
            let result = (subset.count, Zlib.compress(subset))
            made.withLockedValue { cache in
                if cache.count >= Self.limit { cache.removeAll() }
                cache[key] = result
            }
            return result
        }
    }

    /// The map from glyph ids back to text, so the PDF's text can be searched and copied.
    static func toUnicode(_ glyphs: [UInt16: Unicode.Scalar]) -> String {
        var lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def", "/CMapName /Adobe-Identity-UCS def",
                     "/CMapType 2 def", "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
        let pairs = glyphs.sorted { $0.key < $1.key }
        for chunk in stride(from: 0, to: pairs.count, by: 100) {
            let part = pairs[chunk..<min(chunk + 100, pairs.count)]
            lines.append("\(part.count) beginbfchar")
            for (glyph, scalar) in part {
                var line = "<"
                appendHex(glyph, to: &line)
                line += "> <"
                for unit in String(scalar).utf16 { appendHex(unit, to: &line) }
                lines.append(line + ">")
            }
            lines.append("endbfchar")
        }
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return lines.joined(separator: "\n")
    }

    /// Six capital letters naming a subset (PDF wants a tag before a subset font's name).
    static func subsetTag(_ index: Int, _ count: Int) -> String {
        var value = index * 7919 + count * 104_729 + 12345
        return String((0..<6).map { _ in
            defer { value /= 26 }
            return Character(Unicode.Scalar(UInt8(65 + value % 26)))
        })
    }

    /// A PDF text string: UTF-16 with a byte-order mark, in hex.
    static func textString(_ text: String) -> String {
        var out = "<FEFF"
        for unit in text.utf16 { appendHex(unit, to: &out) }
        return out + ">"
    }

    /// A coordinate with at most two decimals (`12`, `12.5`, `-0.05`), written by hand: a page
    /// has thousands of them and `String(format:)` is slow.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let magnitude = abs(hundredths)
        let whole = String(magnitude / 100), fraction = magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        if fraction == 0 { return sign + whole }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return sign + whole + "." + digits
    }
}
