/// Why a written condition or template could not be read, and where: `position` counts
/// characters from 1.
public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var position: Int
    public var message: String

    public var description: String { "at character \(position): \(message)" }
}
