import Foundation

/// A progress bar on standard error: redrawn in place on a terminal, a line every tenth of
/// the way (or every 10 seconds without a total) when the output goes to a file or a pipe.
final class ProgressBar: @unchecked Sendable {
    let total: Int?
    let label: String
    let terminal = isatty(STDERR_FILENO) != 0
    let started = Date()
    let lock = NSLock()
    var lastShown = Date.distantPast
    var lastTenth = -1

    init(label: String, total: Int?) {
        self.label = label
        self.total = total
    }

    func update(_ done: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if terminal {
            guard now.timeIntervalSince(lastShown) >= 0.1 || done == total else { return }
            write("\r\u{1B}[K" + line(done))
        } else if let total, total > 0 {
            let tenth = done * 10 / total
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            write(line(done) + "\n")
        } else {
            guard now.timeIntervalSince(lastShown) >= 10 else { return }
            write(line(done) + "\n")
        }
        lastShown = now
    }

    /// Ends the bar's line.
    func finish(_ done: Int) {
        lastShown = .distantPast
        update(done)
        if terminal { write("\n") }
    }

    func line(_ done: Int) -> String {
        let seconds = Int(Date().timeIntervalSince(started))
        guard let total, total > 0 else { return "\(label) \(done) in \(seconds) s" }
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total) in \(seconds) s"
    }

    func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
