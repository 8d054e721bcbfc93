import Foundation

/// A picture ready to be an image XObject in a PDF: a JPEG as it is (`DCTDecode`), a PNG's
/// pixels deflated (`FlateDecode`), its transparency as a soft mask. The logo, the stamp and
/// the signature of documents are such pictures.
public struct PDFImage: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let width: Int
    public let height: Int
    /// `/DeviceRGB`, `/DeviceGray` or `/DeviceCMYK`.
    let colorSpace: String
    let filter: String
    let bytes: Data
    /// `/DecodeParms` for a PNG's rows passed through unchanged.
    let decodeParms: String?
    /// The transparency (8-bit gray, deflated), when the picture has it.
    let alpha: Data?
    let invertCMYK: Bool

    /// Reads a JPEG or PNG; anything else is refused with the reason.
    public init(_ data: Data) throws {
        let bytes = [UInt8](data.prefix(8))
        if bytes.starts(with: [0xFF, 0xD8]) {
            self = try Self.jpeg(data)
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = try Self.png(data)
        } else {
            throw Failure(description: "only JPEG and PNG pictures go into documents")
        }
    }

    init(width: Int, height: Int, colorSpace: String, filter: String, bytes: Data, decodeParms: String?, alpha: Data?, invertCMYK: Bool = false) {
        self.width = width
        self.height = height
        self.colorSpace = colorSpace
        self.filter = filter
        self.bytes = bytes
        self.decodeParms = decodeParms
        self.alpha = alpha
        self.invertCMYK = invertCMYK
    }

    static func jpeg(_ data: Data) throws -> PDFImage {
        let d = [UInt8](data)
        var at = 2
        while at + 9 < d.count {
            guard d[at] == 0xFF else { throw Failure(description: "the JPEG is damaged") }
            let marker = d[at + 1]
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { at += 2; continue }
            let length = Int(d[at + 2]) << 8 | Int(d[at + 3])
            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the size.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = Int(d[at + 5]) << 8 | Int(d[at + 6]), width = Int(d[at + 7]) << 8 | Int(d[at + 8])
                let components = Int(d[at + 9])
                guard width > 0, height > 0 else { throw Failure(description: "the JPEG has no size") }
                let space = components == 1 ? "/DeviceGray" : components == 4 ? "/DeviceCMYK" : "/DeviceRGB"
                // Photoshop's CMYK JPEGs are stored inverted.
                let adobe = d.count > 12 && data.range(of: Data("Adobe".utf8)) != nil
                return PDFImage(width: width, height: height, colorSpace: space, filter: "/DCTDecode", bytes: data, decodeParms: nil,
                                alpha: nil, invertCMYK: components == 4 && adobe)
            }
            at += 2 + length
        }
        throw Failure(description: "the JPEG has no frame header")
    }

    static func png(_ data: Data) throws -> PDFImage {
        let d = [UInt8](data)
        var at = 8
        var width = 0, height = 0, depth = 0, colorType = 0, interlace = 0
        var palette: [UInt8] = [], transparency: [UInt8]?
        var compressed = Data()
        while at + 8 <= d.count {
            let length = Int(TrueTypeFont.u32(d, at))
            let type = String(decoding: d[at + 4..<at + 8], as: UTF8.self)
            guard at + 12 + length <= d.count else { throw Failure(description: "the PNG is cut short") }
            let body = d[at + 8..<at + 8 + length]
            switch type {
            case "IHDR":
                width = Int(TrueTypeFont.u32(d, at + 8)); height = Int(TrueTypeFont.u32(d, at + 12))
                depth = Int(d[at + 16]); colorType = Int(d[at + 17]); interlace = Int(d[at + 20])
            case "PLTE": palette = Array(body)
            case "tRNS": transparency = Array(body)
            case "IDAT": compressed.append(contentsOf: body)
            default: break
            }
            at += 12 + length
            if type == "IEND" { break }
        }
        guard width > 0, height > 0, width <= 10_000, height <= 10_000 else { throw Failure(description: "the PNG's size is out of range") }
        guard depth == 8 else { throw Failure(description: "only 8-bit PNG pictures go into documents (this one is \(depth)-bit)") }
        guard interlace == 0 else { throw Failure(description: "interlaced PNG pictures do not go into documents") }
        let channels: Int
        switch colorType {
        case 0: channels = 1
        case 2: channels = 3
        case 3: channels = 1
        case 4: channels = 2
        case 6: channels = 4
        default: throw Failure(description: "the PNG's colour type \(colorType) is not known")
        }
        if colorType == 3 && palette.isEmpty { throw Failure(description: "the PNG has no palette") }
        // Without transparency the rows go in as they are: PDF undoes PNG's row filters itself.
        if colorType == 0 || colorType == 2 || (colorType == 3 && transparency == nil) {
            let space = colorType == 0 ? "/DeviceGray" : colorType == 2 ? "/DeviceRGB"
                : "[/Indexed /DeviceRGB \(palette.count / 3 - 1) <\(palette.map { String(format: "%02x", $0) }.joined())>]"
            return PDFImage(width: width, height: height, colorSpace: space, filter: "/FlateDecode", bytes: compressed,
                            decodeParms: "<< /Predictor 15 /Colors \(colorType == 2 ? 3 : 1) /BitsPerComponent 8 /Columns \(width) >>",
                            alpha: nil)
        }
        // With transparency: unfiltered, split into colour and alpha, each deflated.
        let raw = [UInt8](try Zlib.decompress(compressed, limit: (width * channels + 1) * height + 16))
        let pixels = try unfilter(raw, width: width, height: height, bytesPerPixel: channels)
        var color: [UInt8] = [], alpha: [UInt8] = []
        let colorChannels = colorType == 4 ? 1 : 3
        color.reserveCapacity(width * height * colorChannels)
        alpha.reserveCapacity(width * height)
        if colorType == 3 {
            let table = transparency ?? []
            for index in pixels {
                let i = Int(index)
                color += i * 3 + 2 < palette.count ? palette[i * 3..<i * 3 + 3] : [0, 0, 0]
                alpha.append(i < table.count ? table[i] : 255)
            }
        } else {
            for pixel in stride(from: 0, to: pixels.count, by: channels) {
                color += pixels[pixel..<pixel + colorChannels]
                alpha.append(pixels[pixel + channels - 1])
            }
        }
        return PDFImage(width: width, height: height, colorSpace: colorChannels == 1 ? "/DeviceGray" : "/DeviceRGB", filter: "/FlateDecode",
                        bytes: Zlib.compress(Data(color)), decodeParms: nil, alpha: Zlib.compress(Data(alpha)))
    }

    /// Undoes PNG's per-row filters (none, sub, up, average, Paeth).
    static func unfilter(_ raw: [UInt8], width: Int, height: Int, bytesPerPixel bpp: Int) throws -> [UInt8] {
        let stride = width * bpp
        guard raw.count >= (stride + 1) * height else { throw Failure(description: "the PNG's pixels are cut short") }
        var out = [UInt8](repeating: 0, count: stride * height)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            let source = row * (stride + 1) + 1, target = row * stride
            for x in 0..<stride {
                let value = raw[source + x]
                let left = x >= bpp ? out[target + x - bpp] : 0
                let up = row > 0 ? out[target - stride + x] : 0
                let upLeft = row > 0 && x >= bpp ? out[target - stride + x - bpp] : 0
                let predicted: UInt8
                switch filter {
                case 0: predicted = 0
                case 1: predicted = left
                case 2: predicted = up
                case 3: predicted = UInt8((Int(left) + Int(up)) / 2)
                case 4:
                    let p = Int(left) + Int(up) - Int(upLeft)
                    let pa = abs(p - Int(left)), pb = abs(p - Int(up)), pc = abs(p - Int(upLeft))
                    predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
                default: throw Failure(description: "the PNG's row filter \(filter) is not known")
                }
                out[target + x] = value &+ predicted
            }
        }
        return out
    }
}
