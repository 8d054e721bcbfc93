import Foundation
import ZIPFoundation

/// zlib streams (RFC 1950) — what PDF's `FlateDecode` and PNG's image data are — on top of
/// the raw deflate that ZIPFoundation exposes: a two-byte header, the deflate data, the
/// Adler-32 of the uncompressed bytes.
enum Zlib {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func compress(_ input: Data) -> Data {
        let data = input.startIndex == 0 ? input : Data(input)
        var out = Data([0x78, 0x9C])
        do {
            _ = try Data.compress(size: Int64(data.count), bufferSize: 64 * 1024, provider: { position, size in
                data.subdata(in: min(Int(position), data.count)..<min(Int(position) + size, data.count))
            }, consumer: { out.append($0) })
        } catch {
            // Deflating bytes in memory does not fail; should it, the stored form below is as valid.
            return stored(data)
        }
        var adler = adler32(data).bigEndian
        withUnsafeBytes(of: &adler) { out.append(contentsOf: $0) }
        return out
    }

    /// The bytes inside a zlib stream (at most `limit` of them: a bomb is refused).
    static func decompress(_ input: Data, limit: Int) throws -> Data {
        let data = input.startIndex == 0 ? input : Data(input)
        guard data.count > 6, data[data.startIndex] & 0x0F == 8 else { throw Failure(description: "not a zlib stream") }
        let raw = data.subdata(in: data.startIndex + 2..<data.endIndex - 4)
        var out = Data()
        do {
            _ = try Data.decompress(size: Int64(raw.count), bufferSize: 64 * 1024, skipCRC32: true, provider: { position, size in
                raw.subdata(in: min(Int(position), raw.count)..<min(Int(position) + size, raw.count))
            }, consumer: { chunk in
                out.append(chunk)
                if out.count > limit { throw Failure(description: "the data unpacks to more than \(limit) bytes") }
            })
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "the compressed data is damaged")
        }
        return out
    }

    /// Deflate's stored blocks: no compression, still a valid zlib stream.
    static func stored(_ input: Data) -> Data {
        let data = input.startIndex == 0 ? input : Data(input)
        var out = Data([0x78, 0x01])
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let last: UInt8 = offset + length >= data.count ? 1 : 0
            out.append(last)
            out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)])
            out.append(data.subdata(in: offset..<offset + length))
            offset += length
        } while offset < data.count
        var adler = adler32(data).bigEndian
        withUnsafeBytes(of: &adler) { out.append(contentsOf: $0) }
        return out
    }

    static func adler32(_ data: Data) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        data.withUnsafeBytes { bytes in
            var index = 0
            while index < bytes.count {
                // 5552 bytes keep the sums below 2^32 before the modulo.
                let end = min(index + 5552, bytes.count)
                while index < end {
                    a &+= UInt32(bytes[index])
                    b &+= a
                    index += 1
                }
                a %= 65521
                b %= 65521
            }
        }
        return b << 16 | a
    }
}
