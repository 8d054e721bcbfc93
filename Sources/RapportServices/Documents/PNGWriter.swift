import Foundation
import ZIPFoundation

/// Writes 8-bit RGBA pixels as a PNG (the demo's stamp and signature are drawn this way).
public enum PNGWriter {
    public static func rgba(width: Int, height: Int, pixels: [UInt8]) -> Data {
        precondition(pixels.count == width * height * 4, "RGBA needs four bytes a pixel")
        var rows = Data(capacity: (width * 4 + 1) * height)
        for row in 0..<height {
            rows.append(0)  // no filter
            rows.append(contentsOf: pixels[row * width * 4..<(row + 1) * width * 4])
        }
        var header = Data()
        for value in [UInt32(width), UInt32(height)] { header.append(contentsOf: bigEndian(value)) }
        header.append(contentsOf: [8, 6, 0, 0, 0])  // 8 bits, RGBA, deflate, no filter method, not interlaced
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        for (type, body) in [("IHDR", header), ("IDAT", Zlib.compress(rows)), ("IEND", Data())] {
            out.append(contentsOf: bigEndian(UInt32(body.count)))
            let typed = Data(type.utf8) + body
            out.append(typed)
            out.append(contentsOf: bigEndian(typed.crc32(checksum: 0)))
        }
        return out
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
