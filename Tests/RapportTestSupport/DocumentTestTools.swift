import Foundation
import RapportServices

/// What tests of documents need: poppler's tools to read a PDF back, a picture with
/// transparency to put in one, a temporary file to hand to the tools.
public enum DocumentTestTools {
    /// Runs `pdftotext`, `pdfinfo` or `pdftoppm` (Debian's poppler-utils) and returns what it printed.
    public static func poppler(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The bytes in a new temporary file (the caller removes it).
    public static func write(_ data: Data, suffix: String = ".pdf") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-doc-\(UUID().uuidString)\(suffix)")
        try data.write(to: url)
        return url
    }

    /// A blue ring with a transparent inside and outside, as a stamp is.
    public static func stamp(size: Int = 60) -> Data {
        var pixels = [UInt8](repeating: 0, count: size * size * 4)
        let middle = Double(size) / 2
        for y in 0..<size {
            for x in 0..<size {
                let distance = ((Double(x) - middle) * (Double(x) - middle) + (Double(y) - middle) * (Double(y) - middle)).squareRoot()
                if abs(distance - Double(size) * 0.4) < 3 {
                    pixels.replaceSubrange((y * size + x) * 4..<(y * size + x) * 4 + 4, with: [20, 40, 200, 220])
                }
            }
        }
        return PNGWriter.rgba(width: size, height: size, pixels: pixels)
    }
}
