import Foundation
import NIOConcurrencyHelpers
import RapportDomain

/// The faces documents are set in (DejaVu Sans and DejaVu Sans Bold: Latin, Cyrillic and the
/// Azerbaijani letters), read once from the resources' `Fonts/` folder and kept.
public final class DocumentFonts: Sendable {
    let folder: URL?
    let loaded = NIOLockedValueBox<PDFLayout.Fonts?>(nil)

    /// `folder` holds `DejaVuSans.ttf` and `DejaVuSans-Bold.ttf`; without one, documents cannot be made.
    public init(folder: URL?) {
        self.folder = folder
    }

    public func fonts() throws -> PDFLayout.Fonts {
        try loaded.withLockedValue { cached in
            if let cached { return cached }
            guard let folder else { throw RapportError.unavailable("no fonts for documents are set up") }
            func read(_ name: String) throws -> TrueTypeFont {
                let url = folder.appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw RapportError.unavailable("the font \(url.path) for documents is missing")
                }
                do { return try TrueTypeFont(data) } catch { throw RapportError.unavailable("the font \(url.path) does not read: \(error)") }
            }
            let fonts = PDFLayout.Fonts(regular: try read("DejaVuSans.ttf"), bold: try read("DejaVuSans-Bold.ttf"))
            cached = fonts
            return fonts
        }
    }
}
