import Foundation
import RapportDomain
import ZIPFoundation

/// XLSX workbooks as files: reading the first sheet of an uploaded workbook, and writing a
/// one-sheet workbook row by row through a temporary file, so a big export never holds the
/// whole sheet in memory. The XML is read and written by `XLSXSheetReader`/`XLSXSheetWriter`.
public enum XLSXFile {
    /// The most one part of a workbook may unpack to; a "zip bomb" stops here.
    static let maxPartBytes = 512 << 20

    /// Whether the bytes start like a ZIP archive (what every XLSX is).
    public static func looksLikeZIP(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// The first sheet's rows as text. Every failure is a `file` error saying what the file is.
    public static func rows(_ data: Data) throws -> [[String]] {
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw RapportError.invalid("file", "xls_not_supported",
                                       "the file is an old Excel .xls workbook: save it as .xlsx or CSV and upload that")
        }
        guard looksLikeZIP(data), let archive = try? Archive(data: data, accessMode: .read, pathEncoding: nil) else {
            // `try?`: ZIPFoundation's own error says no more than "unreadable archive".
            throw RapportError.invalid("file", "not_xlsx", "the file is not an XLSX workbook (it is not a ZIP archive)")
        }
        guard let workbook = try part("xl/workbook.xml", of: archive) else {
            throw RapportError.invalid("file", "not_xlsx", "the file is a ZIP archive but not an XLSX workbook (no xl/workbook.xml)")
        }
        let relationships = try part("xl/_rels/workbook.xml.rels", of: archive) ?? []
        guard let sheetPath = XLSXSheetReader.firstSheetPath(workbook: workbook, relationships: relationships),
              let sheet = try part(sheetPath, of: archive)
        else {
            throw RapportError.invalid("file", "not_xlsx", "the workbook has no sheet that can be read")
        }
        let strings = try part("xl/sharedStrings.xml", of: archive).map(XLSXSheetReader.sharedStrings) ?? []
        let styles = try part("xl/styles.xml", of: archive).map(XLSXSheetReader.dateStyles) ?? [:]
        return XLSXSheetReader.rows(sheet, sharedStrings: strings, dateStyles: styles,
                                    date1904: XLSXSheetReader.uses1904Dates(workbook: workbook))
    }

    /// One part unpacked, or nil when the archive has no such part.
    static func part(_ path: String, of archive: Archive) throws -> [UInt8]? {
        guard let entry = archive[path] ?? archive.first(where: { $0.path.lowercased() == path.lowercased() }) else {
            return nil
        }
        var bytes: [UInt8] = []
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard bytes.count + chunk.count <= maxPartBytes else { throw PartTooLarge() }
                bytes.append(contentsOf: chunk)
            }
        } catch is PartTooLarge {
            throw RapportError.invalid("file", "too_large", "\(path) unpacks to more than \(maxPartBytes >> 20) MiB")
        } catch {
            throw RapportError.invalid("file", "not_xlsx", "the workbook is damaged: \(path) cannot be unpacked")
        }
        return bytes
    }

    struct PartTooLarge: Error {}

    /// A workbook being written by one task: rows go to a temporary file; `finish` packs the workbook.
    public final class Writer: RowSink, @unchecked Sendable {
        let sheetName: String
        let sheetURL: URL
        let handle: FileHandle
        var sheet = XLSXSheetWriter()

        public init(sheetName: String) throws {
            self.sheetName = sheetName
            sheetURL = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-sheet-\(UUID().uuidString).xml")
            guard FileManager.default.createFile(atPath: sheetURL.path, contents: Data(XLSXSheetWriter.sheetStart.utf8)) else {
                throw RapportError.unavailable("cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)")
            }
            handle = try FileHandle(forWritingTo: sheetURL)
            try handle.seekToEnd()
        }

        var closed = false

        deinit {
            // The temporary sheet goes whether or not the workbook was finished; an unfinished
            // one is still open (a failed export), and nothing of it is kept.
            if !closed { try? handle.close() }
            try? FileManager.default.removeItem(at: sheetURL)
        }

        public var rowCount: Int { sheet.rowCount }

        public func row(_ cells: [String]) throws {
            sheet.row(cells)
            if sheet.rows.count >= 1 << 20 { try handle.write(contentsOf: sheet.takeRows()) }
        }

        /// Packs the workbook into `url` (replaced if it exists).
        public func finish(to url: URL) throws {
            try handle.write(contentsOf: sheet.takeRows() + Array(XLSXSheetWriter.sheetEnd.utf8))
            closed = true
            try handle.close()
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            let archive = try Archive(url: url, accessMode: .create, pathEncoding: nil)
            for (path, xml) in XLSXSheetWriter.fixedParts(sheetName: sheetName) {
                let data = Data(xml.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
                }
            }
            try archive.addEntry(with: XLSXSheetWriter.sheetPath, fileURL: sheetURL, compressionMethod: .deflate)
        }

        /// The packed workbook's bytes (for an answer over HTTP).
        public func finishData() throws -> Data {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-export-\(UUID().uuidString).xlsx")
            defer {
                // A file that was never created needs no removing.
                try? FileManager.default.removeItem(at: url)
            }
            try finish(to: url)
            return try Data(contentsOf: url)
        }
    }
}
