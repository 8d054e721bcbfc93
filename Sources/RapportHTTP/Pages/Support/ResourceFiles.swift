import Foundation

/// Where the templates, static files and string catalogues are: the package's resource
/// bundle next to the binary, or `RAPPORT_RESOURCES` when an operator moved them.
public struct ResourceFiles: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The bundled resources.
    public static func bundled() -> ResourceFiles {
        let bundle = Bundle.module
        let candidates = [bundle.resourceURL, bundle.resourceURL?.appendingPathComponent("Resources"),
                          bundle.bundleURL.appendingPathComponent("Resources")].compactMap { $0 }
        let root = candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("openapi.json").path)
        } ?? bundle.bundleURL
        return ResourceFiles(root: root)
    }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    func read(_ relative: String) throws -> Data { try Data(contentsOf: url(relative)) }

    func list(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url(folder).path).sorted()
    }
}
