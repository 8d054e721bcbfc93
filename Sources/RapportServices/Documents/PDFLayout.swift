import Foundation

/// Lays a document's blocks (`DocumentMarkup`) out on A4 pages: words wrapped to the width,
/// tables sized to their content with the header rows repeated on each page a table runs on,
/// a row never split between pages, pictures scaled to the size asked, page numbers at the
/// foot when there is more than one page.
public struct PDFLayout {
    /// The regular and bold faces every document is set in.
    public struct Fonts: Sendable {
        public let regular: TrueTypeFont
        public let bold: TrueTypeFont

        public init(regular: TrueTypeFont, bold: TrueTypeFont) {
            self.regular = regular
            self.bold = bold
        }
    }

    static let pageWidth = 595.28, pageHeight = 841.89
    static let left = 56.0, right = 42.0, top = 48.0, bottom = 56.0
    static var contentWidth: Double { pageWidth - left - right }
    static let bodySize = 10.0, smallSize = 8.5, lineFactor = 1.3, cellPadding = 4.0

    var file: PDFFile
    let fonts: Fonts
    /// The pictures `<img src="…">` may name (`company:logo`, `company:stamp`, …).
    let pictures: [String: PDFImage]
    var pictureIndex: [String: Int] = [:]
    /// Distance from the top of the page to where the next block goes.
    var y = top

    /// The PDF of `html` (a document template already filled).
    public static func render(html: String, title: String, fonts: Fonts, pictures: [String: PDFImage] = [:]) -> Data {
        var layout = PDFLayout(file: PDFFile(fonts: [fonts.regular, fonts.bold], title: title), fonts: fonts, pictures: pictures)
        layout.file.pages.append(PDFFile.Page())
        for block in DocumentMarkup.blocks(html) { layout.place(block) }
        layout.numberPages()
        return layout.file.data(pageSize: (pageWidth, pageHeight))
    }

    // MARK: blocks

    mutating func place(_ block: DocumentMarkup.Block) {
        switch block {
        case .heading(let level, let runs, let align):
            let size = level == 1 ? 15.0 : level == 2 ? 12.5 : 11
            y += level == 1 ? 2 : 6
            paragraph(runs, size: size, align: align, width: Self.contentWidth, x: Self.left)
            y += size * 0.5
        case .paragraph(let runs, let align, let pictures, let small):
            let size = small ? Self.smallSize : Self.bodySize
            if runs.isEmpty {
                place(pictures, align: align)
            } else if pictures.isEmpty {
                paragraph(runs, size: size, align: align, width: Self.contentWidth, x: Self.left)
            } else {
                // Text with pictures (a signature line with its signature and stamp): the
                // pictures follow the last line's text, centred on it, as ink over a line.
                let lines = wrap(runs, width: Self.contentWidth, size: size)
                let tallest = pictureSizes(pictures).map(\.height).max() ?? 0
                ensure(Double(lines.count) * size * Self.lineFactor + tallest / 2)
                paragraph(runs, size: size, align: .left, width: Self.contentWidth, x: Self.left)
                let lastWidth = lines.last.map { $0.reduce(0) { $0 + width($1.text, bold: $1.bold, size: size) } } ?? 0
                let lineMiddle = y - size * Self.lineFactor / 2
                place(pictures, align: .left, from: Self.left + lastWidth + 12, middle: lineMiddle)
            }
            y += 5
        case .table(let rows, let border):
            table(rows, border: border)
            y += 8
        case .rule:
            ensure(8)
            line(from: (Self.left, y + 3), to: (Self.pageWidth - Self.right, y + 3), width: 0.7)
            y += 8
        }
    }

    mutating func paragraph(_ runs: [DocumentMarkup.Run], size: Double, align: DocumentMarkup.Align, width: Double, x: Double) {
        let lineHeight = size * Self.lineFactor
        for line in wrap(runs, width: width, size: size) {
            ensure(lineHeight)
            draw(line, x: x, width: width, baseline: y + size, size: size, align: align)
            y += lineHeight
        }
    }

    /// The size each known picture is drawn at: as asked, the other side by its proportions.
    func pictureSizes(_ list: [DocumentMarkup.Picture]) -> [(source: String, width: Double, height: Double)] {
        list.compactMap { picture in
            guard let image = pictures[picture.source] else { return nil }
            let ratio = Double(image.height) / Double(image.width)
            var width = picture.width ?? picture.height.map { $0 / ratio } ?? min(Double(image.width) * 0.75, Self.contentWidth)
            var height = picture.height ?? width * ratio
            if width > Self.contentWidth { (width, height) = (Self.contentWidth, Self.contentWidth * ratio) }
            return (picture.source, width, height)
        }
    }

    /// Pictures side by side: on a line of their own, as tall as the tallest; or from `from`,
    /// centred on `middle` (over a line of text), moving on below them.
    mutating func place(_ list: [DocumentMarkup.Picture], align: DocumentMarkup.Align, from start: Double? = nil, middle: Double? = nil) {
        let sizes = pictureSizes(list)
        guard !sizes.isEmpty else { return }
        let tallest = sizes.map(\.height).max() ?? 0
        let total = sizes.reduce(0) { $0 + $1.width } + Double(sizes.count - 1) * 8
        var x: Double
        if let start, start + total <= Self.pageWidth - Self.right { x = start } else {
            x = align == .right ? Self.pageWidth - Self.right - total : align == .center ? Self.left + (Self.contentWidth - total) / 2 : Self.left
        }
        let top: Double
        if let middle, start.map({ $0 + total <= Self.pageWidth - Self.right }) == true {
            top = middle - tallest / 2
        } else {
            ensure(tallest)
            top = y
        }
        for item in sizes {
            let index = pictureIndex[item.source] ?? {
                file.images.append(pictures[item.source]!)
                return file.images.count - 1
            }()
            pictureIndex[item.source] = index
            let bottom = Self.pageHeight - (top + (tallest + item.height) / 2)
            file.pages[file.pages.count - 1].images.insert(index)
            file.pages[file.pages.count - 1].content += "q \(n(item.width)) 0 0 \(n(item.height)) \(n(x)) \(n(bottom)) cm /Im\(index) Do Q\n"
            x += item.width + 8
        }
        y = max(y, top + tallest + 4)
    }

    // MARK: tables

    mutating func table(_ rows: [DocumentMarkup.Row], border: Bool) {
        let columns = rows.map { $0.cells.reduce(0) { $0 + $1.span } }.max() ?? 0
        guard columns > 0 else { return }
        let widths = columnWidths(rows, columns: columns)
        let headers = rows.prefix { $0.isHeader }
        for (index, row) in rows.enumerated() {
            let height = rowHeight(row, widths)
            if y + height > Self.pageHeight - Self.bottom, y > Self.top + 1 {
                newPage()
                if index >= headers.count { for header in headers { drawRow(header, widths, border: border) } }
            }
            drawRow(row, widths, border: border)
        }
    }

    /// Widths as the browser's automatic table layout gives them: each column's longest line
    /// when they all fit, else its longest word plus a share of the rest; `width="30%"` kept.
    func columnWidths(_ rows: [DocumentMarkup.Row], columns: Int) -> [Double] {
        var least = [Double](repeating: 12, count: columns), most = [Double](repeating: 12, count: columns)
        var fixed = [Double?](repeating: nil, count: columns)
        for row in rows {
            var column = 0
            for cell in row.cells {
                defer { column += cell.span }
                guard column < columns else { break }
                if let percent = cell.width, cell.span == 1, percent > 0, percent <= 100 { fixed[column] = Self.contentWidth * percent / 100 }
                guard cell.span == 1 else { continue }
                let pad = 2 * Self.cellPadding
                let words = cell.runs.flatMap { run in run.text.split(separator: " ").map { (String($0), run.bold) } }
                least[column] = max(least[column], (words.map { width($0.0, bold: $0.1, size: Self.bodySize) }.max() ?? 0) + pad)
                let lines = splitLines(cell.runs)
                most[column] = max(most[column], (lines.map { line in line.reduce(0) { $0 + width($1.text, bold: $1.bold, size: Self.bodySize) } }.max() ?? 0) + pad)
            }
        }
        let available = Self.contentWidth - fixed.compactMap { $0 }.reduce(0, +)
        let free = (0..<columns).filter { fixed[$0] == nil }
        let sumMost = free.reduce(0) { $0 + most[$1] }, sumLeast = free.reduce(0) { $0 + least[$1] }
        var widths = fixed.map { $0 ?? 0 }
        for column in free {
            if sumMost <= available {
                widths[column] = most[column] + (available - sumMost) * most[column] / max(sumMost, 1)
            } else if sumLeast < available, sumMost > sumLeast {
                widths[column] = least[column] + (available - sumLeast) * (most[column] - least[column]) / (sumMost - sumLeast)
            } else {
                widths[column] = available * least[column] / max(sumLeast, 1)
            }
        }
        return widths
    }

    func cellWidth(_ widths: [Double], from column: Int, span: Int) -> Double {
        widths[column..<min(widths.count, column + span)].reduce(0, +)
    }

    func rowHeight(_ row: DocumentMarkup.Row, _ widths: [Double]) -> Double {
        var column = 0, tallest = 0.0
        for cell in row.cells where column < widths.count {
            let inner = cellWidth(widths, from: column, span: cell.span) - 2 * Self.cellPadding
            let lines = wrap(cell.runs, width: inner, size: Self.bodySize)
            let text = cell.runs.isEmpty && !cell.pictures.isEmpty ? 0 : Double(max(1, lines.count)) * Self.bodySize * Self.lineFactor
            tallest = max(tallest, text + cellPicturesHeight(cell, inner))
            column += cell.span
        }
        return tallest + 2 * Self.cellPadding
    }

    mutating func drawRow(_ row: DocumentMarkup.Row, _ widths: [Double], border: Bool) {
        let height = rowHeight(row, widths)
        var x = Self.left, column = 0
        for cell in row.cells where column < widths.count {
            let width = cellWidth(widths, from: column, span: cell.span)
            if cell.header { fill(x: x, y: y, width: width, height: height, gray: 0.93) }
            var lineTop = y + Self.cellPadding
            for line in wrap(cell.runs, width: width - 2 * Self.cellPadding, size: Self.bodySize) {
                draw(line, x: x + Self.cellPadding, width: width - 2 * Self.cellPadding, baseline: lineTop + Self.bodySize, size: Self.bodySize,
                     align: cell.align)
                lineTop += Self.bodySize * Self.lineFactor
            }
            if !cell.pictures.isEmpty {
                drawCellPictures(cell, x: x + Self.cellPadding, top: cell.runs.isEmpty ? y + Self.cellPadding : lineTop, width: width - 2 * Self.cellPadding)
            }
            if border { rectangle(x: x, y: y, width: width, height: height) }
            x += width
            column += cell.span
        }
        y += height
    }

    /// A cell's pictures side by side, scaled down to its width.
    func cellPictureSizes(_ cell: DocumentMarkup.Cell, _ width: Double) -> [(source: String, width: Double, height: Double)] {
        let sizes = pictureSizes(cell.pictures)
        let total = sizes.reduce(0) { $0 + $1.width } + Double(max(0, sizes.count - 1)) * 4
        let scale = total > width && total > 0 ? width / total : 1
        return sizes.map { ($0.source, $0.width * scale, $0.height * scale) }
    }

    func cellPicturesHeight(_ cell: DocumentMarkup.Cell, _ width: Double) -> Double {
        cellPictureSizes(cell, width).map(\.height).max() ?? 0
    }

    mutating func drawCellPictures(_ cell: DocumentMarkup.Cell, x start: Double, top: Double, width: Double) {
        var x = start
        for item in cellPictureSizes(cell, width) {
            let index = pictureIndex[item.source] ?? {
                file.images.append(pictures[item.source]!)
                return file.images.count - 1
            }()
            pictureIndex[item.source] = index
            file.pages[file.pages.count - 1].images.insert(index)
            file.pages[file.pages.count - 1].content +=
                "q \(n(item.width)) 0 0 \(n(item.height)) \(n(x)) \(n(Self.pageHeight - top - item.height)) cm /Im\(index) Do Q\n"
            x += item.width + 4
        }
    }

    // MARK: text

    typealias Piece = (text: String, bold: Bool)

    /// Lines at most `width` wide: words kept whole (a word wider than a line cut), `<br>` obeyed.
    func wrap(_ runs: [DocumentMarkup.Run], width: Double, size: Double) -> [[Piece]] {
        var lines: [[Piece]] = []
        for hard in splitLines(runs) {
            var line: [Piece] = [], used = 0.0
            var space: Bool?  // a space waiting between words (its run's boldness)
            for run in hard {
                for token in Self.tokens(run.text) {
                    if token == " " {
                        if !line.isEmpty { space = run.bold }
                        continue
                    }
                    var word = token
                    var wordWidth = self.width(word, bold: run.bold, size: size)
                    let spaceWidth = space.map { self.width(" ", bold: $0, size: size) } ?? 0
                    if !line.isEmpty, used + spaceWidth + wordWidth > width {
                        lines.append(line)
                        (line, used) = ([], 0)
                    } else if let bold = space, !line.isEmpty {
                        line.append((" ", bold))
                        used += spaceWidth
                    }
                    space = nil
                    // Wider than a whole line: cut where it fills one.
                    while wordWidth > width, word.count > 1 {
                        var cut = word.startIndex, filled = 0.0
                        for index in word.indices {
                            let w = self.width(String(word[index]), bold: run.bold, size: size)
                            if filled + w > width, index > word.startIndex { break }
                            filled += w
                            cut = word.index(after: index)
                        }
                        lines.append([(String(word[..<cut]), run.bold)])
                        word = String(word[cut...])
                        wordWidth = self.width(word, bold: run.bold, size: size)
                    }
                    line.append((word, run.bold))
                    used += wordWidth
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// Words and single spaces between them.
    static func tokens(_ text: String) -> [String] {
        var out: [String] = [], word = ""
        for character in text {
            if character == " " {
                if !word.isEmpty { out.append(word); word = "" }
                if out.last != " " { out.append(" ") }
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    /// The runs between forced line breaks.
    func splitLines(_ runs: [DocumentMarkup.Run]) -> [[DocumentMarkup.Run]] {
        var lines: [[DocumentMarkup.Run]] = [[]]
        for run in runs {
            if run.isBreak { lines.append([]) } else { lines[lines.count - 1].append(run) }
        }
        return lines
    }

    func width(_ text: String, bold: Bool, size: Double) -> Double {
        (bold ? fonts.bold : fonts.regular).width(of: text, size: size)
    }

    mutating func draw(_ line: [Piece], x: Double, width: Double, baseline: Double, size: Double, align: DocumentMarkup.Align) {
        let total = line.reduce(0) { $0 + self.width($1.text, bold: $1.bold, size: size) }
        var at = align == .right ? x + width - total : align == .center ? x + (width - total) / 2 : x
        var content = ""
        for piece in line where !piece.text.isEmpty {
            let font = piece.bold ? 1 : 0
            content += "BT /F\(font) \(n(size)) Tf \(n(at)) \(n(Self.pageHeight - baseline)) Td \(file.encode(piece.text, font: font)) Tj ET\n"
            at += self.width(piece.text, bold: piece.bold, size: size)
        }
        file.pages[file.pages.count - 1].content += content
    }

    // MARK: drawing

    mutating func line(from: (Double, Double), to: (Double, Double), width: Double) {
        file.pages[file.pages.count - 1].content +=
            "\(n(width)) w \(n(from.0)) \(n(Self.pageHeight - from.1)) m \(n(to.0)) \(n(Self.pageHeight - to.1)) l S\n"
    }

    mutating func rectangle(x: Double, y: Double, width: Double, height: Double) {
        file.pages[file.pages.count - 1].content += "0.6 w \(n(x)) \(n(Self.pageHeight - y - height)) \(n(width)) \(n(height)) re S\n"
    }

    mutating func fill(x: Double, y: Double, width: Double, height: Double, gray: Double) {
        file.pages[file.pages.count - 1].content += "q \(n(gray)) g \(n(x)) \(n(Self.pageHeight - y - height)) \(n(width)) \(n(height)) re f Q\n"
    }

    /// A new page when `height` more does not fit on this one.
    mutating func ensure(_ height: Double) {
        if y + height > Self.pageHeight - Self.bottom, y > Self.top + 1 { newPage() }
    }

    mutating func newPage() {
        file.pages.append(PDFFile.Page())
        y = Self.top
    }

    /// "2 / 5" at the foot of each page, when there is more than one.
    mutating func numberPages() {
        let count = file.pages.count
        guard count > 1 else { return }
        for index in 0..<count {
            let label = "\(index + 1) / \(count)"
            let x = Self.pageWidth - Self.right - width(label, bold: false, size: Self.smallSize)
            file.pages[index].content += "q 0.45 g BT /F0 \(n(Self.smallSize)) Tf \(n(x)) \(n(Self.bottom / 2)) Td \(file.encode(label, font: 0)) Tj ET Q\n"
        }
    }

    func n(_ value: Double) -> String { PDFFile.number(value) }
}
