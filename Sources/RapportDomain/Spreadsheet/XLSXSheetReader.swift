import Foundation

/// Reads the parts of an XLSX workbook (ECMA-376 SpreadsheetML) that an import needs: which
/// part is the first sheet, the shared strings, which cell styles are dates, and the sheet's
/// cells as text rows — shared, inline and formula strings as written, numbers as written
/// (an integer Excel wrote as `7.9161234567E10` back in digits), booleans as `true`/`false`,
/// and date-styled numbers as ISO dates (`2024-03-01`, or with a time when it has one).
public enum XLSXSheetReader {
    /// The path inside the archive of the workbook's first sheet, from `xl/workbook.xml` and
    /// its relationships; nil when the workbook names none.
    public static func firstSheetPath(workbook: [UInt8], relationships: [UInt8]) -> String? {
        var scanner = XMLScanner(workbook)
        var relationID: String?
        while let token = scanner.next() {
            if case .start("sheet", let attributes, _) = token { relationID = attributes["id"]; break }
        }
        guard let relationID else { return nil }
        scanner = XMLScanner(relationships)
        while let token = scanner.next() {
            guard case .start("Relationship", let attributes, _) = token, attributes["Id"] == relationID,
                  let target = attributes["Target"]
            else { continue }
            return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        return nil
    }

    /// Whether dates count from 1904 (`<workbookPr date1904="1"/>`), as old Mac workbooks do.
    public static func uses1904Dates(workbook: [UInt8]) -> Bool {
        var scanner = XMLScanner(workbook)
        while let token = scanner.next() {
            if case .start("workbookPr", let attributes, _) = token {
                return ["1", "true"].contains(attributes["date1904"] ?? "")
            }
        }
        return false
    }

    /// The shared strings, rich-text runs joined, phonetic hints left out.
    public static func sharedStrings(_ xml: [UInt8]) -> [String] {
        var scanner = XMLScanner(xml)
        var strings: [String] = []
        var current = "", inText = false, phonetic = 0
        while let token = scanner.next() {
            switch token {
            case .start("si", _, let selfClosing):
                current = ""
                if selfClosing { strings.append("") }
            case .end("si"): strings.append(current)
            case .start("rPh", _, let selfClosing): if !selfClosing { phonetic += 1 }
            case .end("rPh"): phonetic -= 1
            case .start("t", _, let selfClosing): inText = !selfClosing
            case .end("t"): inText = false
            case .text(let text) where inText && phonetic == 0: current += text
            default: break
            }
        }
        return strings
    }

    public enum DateStyle: Equatable, Sendable { case date, dateTime, time }

    /// For each cell style (`cellXfs` index) whose number format shows a date or time, which.
    public static func dateStyles(_ xml: [UInt8]) -> [Int: DateStyle] {
        var scanner = XMLScanner(xml)
        var formats: [Int: String] = [:]
        var styles: [Int: DateStyle] = [:]
        var inCellStyles = false, xfIndex = 0
        while let token = scanner.next() {
            switch token {
            case .start("numFmt", let attributes, _):
                if let id = attributes["numFmtId"].flatMap(Int.init) { formats[id] = attributes["formatCode"] ?? "" }
            case .start("cellXfs", _, let selfClosing): inCellStyles = !selfClosing
            case .end("cellXfs"): inCellStyles = false
            case .start("xf", let attributes, _) where inCellStyles:
                let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
                if let style = dateStyle(id: id, code: formats[id]) { styles[xfIndex] = style }
                xfIndex += 1
            default: break
            }
        }
        return styles
    }

    /// Built-in formats 14–22 and 45–47 are dates and times; a custom format is one when it
    /// has date or time letters outside quotes, brackets and escapes.
    static func dateStyle(id: Int, code: String?) -> DateStyle? {
        switch id {
        case 14...17: return .date
        case 22: return .dateTime
        case 18...21, 45...47: return .time
        default: break
        }
        guard let code, id >= 164 else { return nil }
        var letters = Set<Character>()
        var quoted = false, bracket = false, escaped = false
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[": bracket = true
            case "]": bracket = false
            default: if !quoted && !bracket { letters.insert(character) }
            }
        }
        let hasDate = !letters.isDisjoint(with: ["d", "y"]) || (letters.contains("m") && !letters.contains("h"))
        let hasTime = !letters.isDisjoint(with: ["h", "s"])
        if hasDate && hasTime { return .dateTime }
        if hasDate { return .date }
        return hasTime ? .time : nil
    }

    /// The sheet as rows of text, in order; cells missing from a row are empty, rows with no
    /// text at all are left out.
    public static func rows(_ xml: [UInt8], sharedStrings: [String], dateStyles: [Int: DateStyle], date1904: Bool = false)
        -> [[String]]
    {
        var scanner = XMLScanner(xml)
        var rows: [[String]] = []
        var row: [String] = []
        var column = 0, type = "n", style = 0
        var value: String?, inline = "", inValue = false, inInlineText = false
        while let token = scanner.next() {
            switch token {
            case .start("row", _, _):
                row = []
            case .end("row"):
                if row.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { rows.append(row) }
                row = []
            case .start("c", let attributes, let selfClosing):
                column = attributes["r"].flatMap(columnIndex) ?? row.count
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = nil
                inline = ""
                if selfClosing { place("", at: column, in: &row) }
            case .start("v", _, let selfClosing): inValue = !selfClosing
            case .end("v"): inValue = false
            case .start("t", _, let selfClosing): inInlineText = !selfClosing
            case .end("t"): inInlineText = false
            case .text(let text):
                if inValue { value = (value ?? "") + text } else if inInlineText { inline += text }
            case .end("c"):
                let text: String
                switch type {
                case "s": text = value.flatMap(Int.init).flatMap { $0 < sharedStrings.count ? sharedStrings[$0] : nil } ?? ""
                case "inlineStr": text = inline
                case "b": text = value == "1" ? "true" : value == "0" ? "false" : (value ?? "")
                case "str", "e": text = value ?? ""
                case "d": text = value ?? ""
                default: text = number(value ?? "", style: dateStyles[style], date1904: date1904)
                }
                place(text, at: column, in: &row)
            default: break
            }
        }
        return rows
    }

    static func place(_ text: String, at column: Int, in row: inout [String]) {
        guard column < 16_384 else { return }  // Excel's last column is XFD
        while row.count < column { row.append("") }
        if row.count == column { row.append(text) } else { row[column] = text }
    }

    /// `C12` → 2 (columns count from zero).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0, letters = 0
        for scalar in reference.unicodeScalars {
            guard ("A"..."Z").contains(scalar) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }

    /// A numeric cell as text: a date or time for a date style, an integer without exponent.
    static func number(_ raw: String, style: DateStyle?, date1904: Bool) -> String {
        guard let value = Double(raw), value.isFinite else { return raw }
        if let style { return date(serial: value, style: style, date1904: date1904) }
        if raw.contains(where: { $0 == "E" || $0 == "e" }), value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return raw
    }

    /// An Excel serial day number as ISO text: days since 1899-12-30 (the 1900 system, whose
    /// phantom 29 February 1900 this offset absorbs for every date after it) or since 1904-01-01.
    /// Excel keeps no zone, so neither does the text.
    static func date(serial: Double, style: DateStyle, date1904: Bool) -> String {
        let epoch: Int64 = date1904 ? -2_082_844_800 : -2_209_161_600  // seconds from 1970 to the epoch day
        var seconds = time_t(epoch + Int64((serial * 86_400).rounded()))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        let time = String(format: "%02d:%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        let midnight = parts.tm_hour == 0 && parts.tm_min == 0 && parts.tm_sec == 0
        switch style {
        case .date: return midnight ? date : "\(date)T\(time)"
        case .dateTime: return "\(date)T\(time)"
        case .time: return serial < 1 ? time : "\(date)T\(time)"
        }
    }
}
