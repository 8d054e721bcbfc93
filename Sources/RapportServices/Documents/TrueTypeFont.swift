import Foundation

/// A TrueType font read for putting text into PDFs: the glyph of each character (`cmap`
/// formats 4 and 12), each glyph's advance (`hmtx`), the metrics a PDF font descriptor wants,
/// and a subset — the same font with only the outlines of the glyphs a document uses (glyph
/// ids unchanged, so the PDF maps them one to one), which keeps a one-page invoice small.
public struct TrueTypeFont: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let data: [UInt8]
    let tables: [String: Range<Int>]
    public let unitsPerEm: Int
    public let ascent: Int
    public let descent: Int
    public let capHeight: Int
    public let boundingBox: (Int, Int, Int, Int)
    public let italicAngle: Double
    public let postScriptName: String
    let glyphCount: Int
    let longLoca: Bool
    let advances: [UInt16]
    let characterMap: [UInt32: UInt16]

    public init(_ bytes: Data) throws {
        data = [UInt8](bytes)
        guard data.count > 12 else { throw Failure(description: "the font file is empty") }
        var tables: [String: Range<Int>] = [:]
        let count = Int(Self.u16(data, 4))
        for index in 0..<count {
            let at = 12 + index * 16
            guard at + 16 <= data.count else { throw Failure(description: "the font's table directory is cut short") }
            let tag = String(decoding: data[at..<at + 4], as: UTF8.self)
            let offset = Int(Self.u32(data, at + 8)), length = Int(Self.u32(data, at + 12))
            guard offset + length <= data.count else { throw Failure(description: "the font's \(tag) table is cut short") }
            tables[tag] = offset..<offset + length
        }
        for required in ["head", "hhea", "hmtx", "maxp", "cmap", "loca", "glyf"] where tables[required] == nil {
            throw Failure(description: "the font has no \(required) table (only TrueType outlines are supported)")
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound, hhea = tables["hhea"]!.lowerBound, maxp = tables["maxp"]!.lowerBound
        unitsPerEm = Int(Self.u16(data, head + 18))
        boundingBox = (Int(Self.i16(data, head + 36)), Int(Self.i16(data, head + 38)), Int(Self.i16(data, head + 40)),
                       Int(Self.i16(data, head + 42)))
        longLoca = Self.i16(data, head + 50) == 1
        ascent = Int(Self.i16(data, hhea + 4))
        descent = Int(Self.i16(data, hhea + 6))
        glyphCount = Int(Self.u16(data, maxp + 4))
        let metricCount = Int(Self.u16(data, hhea + 34))
        let hmtx = tables["hmtx"]!.lowerBound
        var advances = [UInt16](repeating: 0, count: glyphCount)
        for glyph in 0..<glyphCount {
            advances[glyph] = Self.u16(data, hmtx + 4 * min(glyph, max(0, metricCount - 1)))
        }
        self.advances = advances
        if let os2 = tables["OS/2"], os2.count >= 90, Self.u16(data, os2.lowerBound) >= 2 {
            capHeight = Int(Self.i16(data, os2.lowerBound + 88))
        } else {
            capHeight = ascent
        }
        if let post = tables["post"], post.count >= 8 {
            italicAngle = Double(Self.i16(data, post.lowerBound + 4)) + Double(Self.u16(data, post.lowerBound + 6)) / 65536
        } else {
            italicAngle = 0
        }
        postScriptName = Self.name(data, tables["name"], id: 6) ?? "Font"
        characterMap = try Self.readCharacterMap(data, tables["cmap"]!)
    }

    /// The glyph of a character (0, the "missing" glyph, when the font has none).
    public func glyph(_ scalar: Unicode.Scalar) -> UInt16 { characterMap[scalar.value] ?? 0 }

    /// A glyph's advance in thousandths of the font size (PDF's text space).
    public func width(_ glyph: UInt16) -> Double {
        Int(glyph) < advances.count ? Double(advances[Int(glyph)]) * 1000 / Double(unitsPerEm) : 0
    }

    /// The width of `text` at `size` points.
    public func width(of text: String, size: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + width(glyph($1)) } * size / 1000
    }

    // MARK: subset

    /// The font with the outlines of `glyphs` only (and the glyphs they are made of): glyph
    /// ids stay as they are (the PDF maps them one to one), the glyphs past the highest one used
    /// are cut off, the others below it keep their advances but draw nothing. Tables a PDF
    /// viewer does not need for an embedded CID font (the character map, glyph names, layout
    /// features) are left out.
    public func subset(_ glyphs: Set<UInt16>) -> Data {
        let glyf = tables["glyf"]!, loca = tables["loca"]!.lowerBound
        func range(_ glyph: Int) -> Range<Int> {
            let start = longLoca ? Int(Self.u32(data, loca + 4 * glyph)) : Int(Self.u16(data, loca + 2 * glyph)) * 2
            let end = longLoca ? Int(Self.u32(data, loca + 4 * glyph + 4)) : Int(Self.u16(data, loca + 2 * glyph + 2)) * 2
            return glyf.lowerBound + start..<glyf.lowerBound + max(start, end)
        }
        // The glyphs used and every component of a composite one.
        var keep: Set<Int> = [0]
        var pending = glyphs.map(Int.init).filter { $0 < glyphCount }
        while let glyph = pending.popLast() {
            guard keep.insert(glyph).inserted else { continue }
            pending += components(range(glyph)).filter { !keep.contains($0) && $0 < glyphCount }
        }
        let count = (keep.max() ?? 0) + 1
        var newGlyf: [UInt8] = [], newLoca: [UInt8] = []
        newGlyf.reserveCapacity(keep.count * 200)
        newLoca.reserveCapacity(4 * (count + 1))
        for glyph in 0..<count {
            Self.put32(&newLoca, UInt32(newGlyf.count))
            if keep.contains(glyph) {
                newGlyf += data[range(glyph)]
                while newGlyf.count % 4 != 0 { newGlyf.append(0) }
            }
        }
        Self.put32(&newLoca, UInt32(newGlyf.count))
        var head = [UInt8](data[tables["head"]!])
        head[50] = 0
        head[51] = 1  // long loca offsets
        head[8..<12] = [0, 0, 0, 0]  // checksum adjustment: not needed inside a PDF
        // The metrics of the glyphs kept: full records up to the font's own count, then side bearings only.
        let hhea = tables["hhea"]!, hmtx = tables["hmtx"]!.lowerBound
        let longMetrics = min(Int(Self.u16(data, hhea.lowerBound + 34)), count)
        var newHmtx = [UInt8](data[hmtx..<hmtx + 4 * longMetrics])
        for glyph in longMetrics..<count {
            let at = hmtx + 4 * longMetrics + 2 * (glyph - longMetrics)
            newHmtx += [data[at], data[at + 1]]
        }
        var newHhea = [UInt8](data[hhea])
        newHhea[34] = UInt8(longMetrics >> 8); newHhea[35] = UInt8(longMetrics & 0xFF)
        var maxp = [UInt8](data[tables["maxp"]!])
        maxp[4] = UInt8(count >> 8); maxp[5] = UInt8(count & 0xFF)
        var out: [String: [UInt8]] = ["head": head, "glyf": newGlyf, "loca": newLoca, "hmtx": newHmtx, "hhea": newHhea, "maxp": maxp]
        for tag in ["cvt ", "fpgm", "prep"] {
            if let table = tables[tag] { out[tag] = [UInt8](data[table]) }
        }
        return Data(Self.assemble(out))
    }

    /// The glyphs a composite glyph is made of.
    func components(_ glyph: Range<Int>) -> [Int] {
        guard glyph.count >= 10, Self.i16(data, glyph.lowerBound) < 0 else { return [] }
        var found: [Int] = []
        var at = glyph.lowerBound + 10
        while at + 4 <= glyph.upperBound {
            let flags = Self.u16(data, at)
            found.append(Int(Self.u16(data, at + 2)))
            at += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 { at += 2 } else if flags & 0x0040 != 0 { at += 4 } else if flags & 0x0080 != 0 { at += 8 }
            guard flags & 0x0020 != 0 else { break }
        }
        return found
    }

    /// A font file from tables, in tag order, each on a four-byte boundary with its checksum.
    static func assemble(_ tables: [String: [UInt8]]) -> [UInt8] {
        let tags = tables.keys.sorted()
        var out: [UInt8] = []
        put32(&out, 0x0001_0000)
        let count = tags.count
        var power = 1, log = 0
        while power * 2 <= count { power *= 2; log += 1 }
        put16(&out, UInt16(count)); put16(&out, UInt16(power * 16)); put16(&out, UInt16(log)); put16(&out, UInt16(count * 16 - power * 16))
        var offset = 12 + 16 * count
        var body: [UInt8] = []
        for tag in tags {
            var table = tables[tag]!
            let length = table.count
            while table.count % 4 != 0 { table.append(0) }
            var sum: UInt32 = 0
            for i in stride(from: 0, to: table.count, by: 4) { sum &+= u32(table, i) }
            out += Array(tag.utf8)
            put32(&out, sum); put32(&out, UInt32(offset)); put32(&out, UInt32(length))
            body += table
            offset += table.count
        }
        return out + body
    }

    // MARK: reading

    static func readCharacterMap(_ data: [UInt8], _ table: Range<Int>) throws -> [UInt32: UInt16] {
        let base = table.lowerBound
        var best: (format: Int, offset: Int)?
        for index in 0..<Int(u16(data, base + 2)) {
            let at = base + 4 + index * 8
            let platform = u16(data, at), encoding = u16(data, at + 2), offset = base + Int(u32(data, at + 4))
            guard offset + 4 <= table.upperBound, platform == 3 || platform == 0 else { continue }
            let format = Int(u16(data, offset))
            if format == 12 && (platform == 0 || encoding == 10) { best = (12, offset) } else if format == 4, best == nil { best = (4, offset) }
        }
        guard let best else { throw Failure(description: "the font has no Unicode character map") }
        var map: [UInt32: UInt16] = [:]
        if best.format == 12 {
            let groups = Int(u32(data, best.offset + 12))
            for group in 0..<groups {
                let at = best.offset + 16 + group * 12
                let start = u32(data, at), end = u32(data, at + 4), first = u32(data, at + 8)
                guard end >= start, end - start < 0x11_0000 else { continue }
                for code in start...end { map[code] = UInt16(truncatingIfNeeded: first + (code - start)) }
            }
        } else {
            let segments = Int(u16(data, best.offset + 6)) / 2
            let ends = best.offset + 14, starts = ends + 2 * segments + 2, deltas = starts + 2 * segments, ranges = deltas + 2 * segments
            for segment in 0..<segments {
                let end = Int(u16(data, ends + 2 * segment)), start = Int(u16(data, starts + 2 * segment))
                let delta = Int(i16(data, deltas + 2 * segment)), rangeOffset = Int(u16(data, ranges + 2 * segment))
                guard start <= end, start != 0xFFFF else { continue }
                for code in start...end {
                    var glyph: Int
                    if rangeOffset == 0 {
                        glyph = (code + delta) & 0xFFFF
                    } else {
                        let at = ranges + 2 * segment + rangeOffset + 2 * (code - start)
                        guard at + 2 <= data.count else { continue }
                        glyph = Int(u16(data, at))
                        if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
                    }
                    if glyph != 0 { map[UInt32(code)] = UInt16(glyph) }
                }
            }
        }
        return map
    }

    /// A name record (6: the PostScript name), in Windows Unicode or Mac Roman.
    static func name(_ data: [UInt8], _ table: Range<Int>?, id: UInt16) -> String? {
        guard let table else { return nil }
        let base = table.lowerBound, strings = base + Int(u16(data, base + 4))
        for index in 0..<Int(u16(data, base + 2)) {
            let at = base + 6 + index * 12
            guard u16(data, at + 6) == id else { continue }
            let length = Int(u16(data, at + 8)), start = strings + Int(u16(data, at + 10))
            guard start + length <= table.upperBound else { continue }
            let bytes = data[start..<start + length]
            if u16(data, at) == 3 {
                let units = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
                return String(decoding: units, as: UTF16.self)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }

    static func u16(_ d: [UInt8], _ at: Int) -> UInt16 { at + 2 <= d.count ? UInt16(d[at]) << 8 | UInt16(d[at + 1]) : 0 }
    static func i16(_ d: [UInt8], _ at: Int) -> Int16 { Int16(bitPattern: u16(d, at)) }
    static func u32(_ d: [UInt8], _ at: Int) -> UInt32 {
        at + 4 <= d.count ? UInt32(d[at]) << 24 | UInt32(d[at + 1]) << 16 | UInt32(d[at + 2]) << 8 | UInt32(d[at + 3]) : 0
    }
    static func put16(_ out: inout [UInt8], _ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func put32(_ out: inout [UInt8], _ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
