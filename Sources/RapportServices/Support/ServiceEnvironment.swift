import Logging
import RapportStore

/// What every use case is given: the database, the clock, the password hasher, a logger.
public struct ServiceEnvironment: Sendable {
    public var database: Database
    public var clock: any WallClock
    public var hasher: PasswordHasher
    public var logger: Logger
    /// Shared by every service of this process, so a change to access empties it.
    public var authCache: AuthCache
    /// Pipelines as a move needs them, read again when their settings change.
    public var pipelineCache = PipelineCache()
    /// Where attached files are kept, and the largest one accepted.
    public var files: FileStore
    public var maxAttachmentBytes: Int
    /// The faces PDF documents are set in.
    public var fonts: DocumentFonts

    public static let defaultMaxAttachmentBytes = 25 << 20

    public init(database: Database, clock: any WallClock = SystemClock(), hasher: PasswordHasher = PasswordHasher(),
                logger: Logger, authCache: AuthCache = AuthCache(), files: FileStore = .temporary(),
                maxAttachmentBytes: Int = ServiceEnvironment.defaultMaxAttachmentBytes, fonts: DocumentFonts = DocumentFonts(folder: nil)) {
        self.fonts = fonts
        self.authCache = authCache
        self.files = files
        self.maxAttachmentBytes = maxAttachmentBytes
        self.database = database
        self.clock = clock
        self.hasher = hasher
        self.logger = logger
    }
}
