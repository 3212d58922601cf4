import ArgumentParser

@main
struct Hotline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "The 12345 government service hotline backend: workers, dev broker and tools.",
        subcommands: [
            WorkerCommand.self, MigrateCommand.self, DevBrokerCommand.self, PublishCommand.self, TailCommand.self,
            SummaryCommand.self, IntakeCommand.self, ReportCommand.self, LookupCommand.self, ServeLookupCommand.self, ArchiveCommand.self, ConfigCommand.self, KeysCommand.self, DeadLetterCommand.self, StatusCommand.self, ManualQueueCommand.self, ClockCommand.self, PolicyCommand.self, DeadlineCommand.self, CalendarCommand.self, OutboxCommand.self,
            KnowledgeCommand.self, HistoryCommand.self, BenchCommand.self, PartiesCommand.self, CaseCommand.self, UnitsCommand.self, RetentionCommand.self,
        ])
}
