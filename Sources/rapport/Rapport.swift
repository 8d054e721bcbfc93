import ArgumentParser

/// The `rapport` command: one binary that serves, migrates, administers and backs up.
@main
struct Rapport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Rapport CRM: serve it, migrate its database, manage users and tokens, back it up.",
        subcommands: [Serve.self, Migrate.self, UserCommand.self, TokenCommand.self, Backup.self, Restore.self, Demo.self, Generate.self,
                      ImportCommand.self, ExportCommand.self, MailCommand.self],
        defaultSubcommand: Serve.self
    )
}
