import Foundation
import GRDB
import Harness

/// The grade history: one SQLite file, created on first use and migrated in place,
/// that keeps every run of every submission (resubmissions are new rows, never
/// overwrites). Ids are UUIDs, so databases written by shards on different
/// machines merge without collisions, and merging the same shard twice changes nothing.
public final class GradeDatabase: Sendable {
    public let path: String
    let queue: DatabaseQueue

    /// One `squeeze grade` invocation (or, with `--run-id`, all shards of one).
    public struct Run: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "gradeRun"
        public var id: String
        public var startedAt: Date
        public var finishedAt: Date
        public var command: String
        /// "0/4,1/4" when shards were merged; "" for a whole run.
        public var shards: String
        public var corpusName: String
        public var corpusHash: String
        public var corpusFiles: Int
        public var corpusBytes: Int64
        /// GradeLimits as JSON.
        public var limits: String
        /// What isolated the submissions, or NONE.
        public var sandbox: String
        public var host: String

        /// Takes in another shard of the same run: its shards, and the span of both.
        mutating func absorb(_ other: Run) {
            shards = GradeDatabase.joinShards(shards, other.shards)
            startedAt = min(startedAt, other.startedAt)
            finishedAt = max(finishedAt, other.finishedAt)
        }
    }

    public struct SubmissionRun: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "submissionRun"
        public var id: String
        public var runId: String
        public var submission: String
        public var codecName: String
        public var author: String
        public var kind: String
        public var hash: String
        public var status: String
        public var reason: String?
        public var buildSeconds: Double?
        public var buildLog: String
        public var startedAt: Date
        public var finishedAt: Date
    }

    public struct FileResult: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "fileResult"
        public var submissionRunId: String
        public var file: String
        public var originalBytes: Int64
        public var compressedBytes: Int64?
        public var compressSeconds: Double?
        public var decompressSeconds: Double?
        public var compressCPUSeconds: Double?
        public var decompressCPUSeconds: Double?
        public var peakMemoryBytes: Int64?
        public var status: String
        public var reason: String?
        public var ok: Bool { status == GradeStatus.ok.rawValue }

        /// The row of one graded file (the outcome's fields, its status as text).
        public init(_ f: FileOutcome, submissionRunId: String) {
            self.submissionRunId = submissionRunId
            file = f.file
            originalBytes = f.originalBytes
            compressedBytes = f.compressedBytes
            compressSeconds = f.compressSeconds
            decompressSeconds = f.decompressSeconds
            compressCPUSeconds = f.compressCPUSeconds
            decompressCPUSeconds = f.decompressCPUSeconds
            peakMemoryBytes = f.peakMemoryBytes
            status = f.status.rawValue
            reason = f.reason
        }
    }

    public struct BaselineResult: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "baselineResult"
        public var runId: String
        /// "xz:9e", as anchors name it.
        public var spec: String
        /// "xz -9e", as tables show it.
        public var label: String
        public var file: String
        public var originalBytes: Int64
        public var compressedBytes: Int64?
        public var compressSeconds: Double?
        public var decompressSeconds: Double?
        public var status: String
    }

    /// Opens (creating and migrating when needed) the database at `path`; with `readOnly`,
    /// opens an existing grade database without changing it (the inputs of a merge).
    public init(path: String, readOnly: Bool = false) throws(GradeError) {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        // A person may look at the file while a run writes: wait for a lock rather than fail at once.
        config.busyMode = .timeout(30)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw GradeError("\(path): cannot open the grade database: \(error)")
        }
        self.queue = queue
        if readOnly {
            let complete = (try? queue.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
            guard complete else {
                throw GradeError("\(path): not a grade database written by this squeeze "
                    + "(an older one is brought up to date by `squeeze grade leaderboard --db \(path)`)")
            }
            return
        }
        do { try Self.migrator.migrate(queue) } catch {
            throw GradeError("\(path): cannot open the grade database: \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "gradeRun") { t in
                t.primaryKey("id", .text)
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime).notNull()
                t.column("command", .text).notNull()
                t.column("shards", .text).notNull()
                t.column("corpusName", .text).notNull()
                t.column("corpusHash", .text).notNull()
                t.column("corpusFiles", .integer).notNull()
                t.column("corpusBytes", .integer).notNull()
                t.column("limits", .text).notNull()
                t.column("sandbox", .text).notNull()
                t.column("host", .text).notNull()
            }
            try db.create(table: "submissionRun") { t in
                t.primaryKey("id", .text)
                t.column("runId", .text).notNull().indexed().references("gradeRun", onDelete: .cascade)
                t.column("submission", .text).notNull().indexed()
                t.column("codecName", .text).notNull()
                t.column("author", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("hash", .text).notNull()
                t.column("status", .text).notNull()
                t.column("reason", .text)
                t.column("buildSeconds", .double)
                t.column("buildLog", .text).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime).notNull()
            }
            try db.create(table: "fileResult") { t in
                t.column("submissionRunId", .text).notNull().references("submissionRun", onDelete: .cascade)
                t.column("file", .text).notNull()
                t.column("originalBytes", .integer).notNull()
                t.column("compressedBytes", .integer)
                t.column("compressSeconds", .double)
                t.column("decompressSeconds", .double)
                t.column("compressCPUSeconds", .double)
                t.column("decompressCPUSeconds", .double)
                t.column("peakMemoryBytes", .integer)
                t.column("status", .text).notNull()
                t.column("reason", .text)
                t.primaryKey(["submissionRunId", "file"])
            }
            try db.create(table: "baselineResult") { t in
                t.column("runId", .text).notNull().references("gradeRun", onDelete: .cascade)
                t.column("spec", .text).notNull()
                t.column("label", .text).notNull()
                t.column("file", .text).notNull()
                t.column("originalBytes", .integer).notNull()
                t.column("compressedBytes", .integer)
                t.column("compressSeconds", .double)
                t.column("decompressSeconds", .double)
                t.column("status", .text).notNull()
                t.primaryKey(["runId", "spec", "file"])
            }
        }
        return m
    }

    // MARK: writing

    /// Records a run (merging shard lists when the id is already there, as shards of one run are).
    public func begin(_ run: Run, baselines: [RunResult]) throws(GradeError) {
        try write { db in
            if var existing = try Run.fetchOne(db, key: run.id) {
                existing.absorb(run)
                try existing.update(db)
            } else {
                try run.insert(db)
            }
            for b in baselines {
                try BaselineResult(runId: run.id, spec: b.codecName, label: b.codec, file: b.file, originalBytes: b.originalBytes,
                                   compressedBytes: b.compressedBytes, compressSeconds: b.compressSeconds,
                                   decompressSeconds: b.decompressSeconds, status: b.status).insert(db, onConflict: .ignore)
            }
        }
    }

    public func finish(runId: String, at date: Date) throws(GradeError) {
        try write { db in
            if var run = try Run.fetchOne(db, key: runId) {
                run.finishedAt = max(run.finishedAt, date)
                try run.update(db)
            }
        }
    }

    /// Stores one graded submission with its files.
    public func record(_ o: SubmissionOutcome, runId: String) throws(GradeError) {
        let id = UUID().uuidString
        let s = o.submission
        try write { db in
            try SubmissionRun(id: id, runId: runId, submission: s.id, codecName: s.displayName, author: s.author,
                              kind: s.kind.rawValue, hash: o.hash, status: o.status.rawValue, reason: o.reason,
                              buildSeconds: o.buildSeconds, buildLog: o.buildLog, startedAt: o.startedAt,
                              finishedAt: o.finishedAt).insert(db)
            for f in o.files {
                try FileResult(f, submissionRunId: id).insert(db)
            }
        }
    }

    /// Copies every row of `other` into this database; rows already here are kept as they are.
    public func merge(from other: GradeDatabase) throws(GradeError) {
        let contents: (runs: [Run], subs: [SubmissionRun], files: [FileResult], bases: [BaselineResult])
        do {
            contents = try other.queue.read { db in
                (try Run.fetchAll(db), try SubmissionRun.fetchAll(db), try FileResult.fetchAll(db), try BaselineResult.fetchAll(db))
            }
        } catch { throw GradeError("\(other.path): cannot read: \(error)") }
        try write { db in
            for run in contents.runs {
                if var existing = try Run.fetchOne(db, key: run.id) {
                    guard existing.corpusHash == run.corpusHash else {
                        throw GradeError("\(other.path): run \(run.id) graded another corpus than the run of the same id already in \(self.path)")
                    }
                    existing.absorb(run)
                    try existing.update(db)
                } else {
                    try run.insert(db)
                }
            }
            for s in contents.subs { try s.insert(db, onConflict: .ignore) }
            for f in contents.files { try f.insert(db, onConflict: .ignore) }
            for b in contents.bases { try b.insert(db, onConflict: .ignore) }
        }
    }

    static func joinShards(_ a: String, _ b: String) -> String {
        var parts = a.split(separator: ",").map(String.init)
        for p in b.split(separator: ",").map(String.init) where !parts.contains(p) { parts.append(p) }
        return parts.sorted { (Int($0.split(separator: "/").first ?? "") ?? 0) < (Int($1.split(separator: "/").first ?? "") ?? 0) }
            .joined(separator: ",")
    }

    // MARK: reading

    /// Everything, for the leaderboard.
    public struct Contents: Sendable {
        public var runs: [Run]
        public var submissions: [SubmissionRun]
        public var files: [String: [FileResult]]
        public var baselines: [BaselineResult]
    }

    public func contents() throws(GradeError) -> Contents {
        do {
            return try queue.read { db in
                let runs = try Run.order(Column("startedAt")).fetchAll(db)
                let subs = try SubmissionRun.order(Column("startedAt"), Column("submission")).fetchAll(db)
                var files: [String: [FileResult]] = [:]
                for f in try FileResult.order(Column("file")).fetchAll(db) { files[f.submissionRunId, default: []].append(f) }
                let bases = try BaselineResult.order(Column("spec"), Column("file")).fetchAll(db)
                return Contents(runs: runs, submissions: subs, files: files, baselines: bases)
            }
        } catch { throw GradeError("\(path): cannot read the grade database: \(error)") }
    }

    func write(_ body: @escaping @Sendable (Database) throws -> Void) throws(GradeError) {
        do { try queue.write { db in try body(db) } } catch let e as GradeError { throw e } catch {
            throw GradeError("\(path): cannot write the grade database: \(error)")
        }
    }
}
