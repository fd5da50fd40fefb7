extension Comparison {
    /// Joins the results of `compare --shard I/N` runs (read back from their JSON) into
    /// the comparison one unsharded run would have made: corpora in first-seen order,
    /// files sorted by name as the corpus walk sorts them, rows ordered (corpus, file,
    /// candidate). Timings stay each shard's own; the wall time is the shards' sum.
    public static func merging(_ parts: [Comparison], sources: [String]) throws(CorpusError) -> Comparison {
        guard let first = parts.first else { throw CorpusError(description: "nothing to merge") }
        var candidates: [CandidateInfo] = []
        var corpusNames: [String] = []
        var corpusPaths: [String: String] = [:]
        var files: [String: [String: CorpusFile]] = [:]
        var seen: [String: String] = [:]
        var results: [RunResult] = []
        var estimates: [String: FileEstimate] = [:]
        for (k, part) in parts.enumerated() {
            let source = k < sources.count ? sources[k] : "input \(k + 1)"
            for c in part.candidates where !candidates.contains(where: { $0.label == c.label }) { candidates.append(c) }
            for c in part.corpora {
                if !corpusNames.contains(c.name) { corpusNames.append(c.name); corpusPaths[c.name] = c.path }
                for f in c.files { files[c.name, default: [:]][f.name] = f }
            }
            for r in part.results {
                let key = r.corpus + "\u{0}" + r.file + "\u{0}" + r.codec
                if let other = seen[key] {
                    throw CorpusError(description: "\(source): \(r.corpus)/\(r.file) with \(r.codec) is also in \(other); "
                        + "merge the shards of one run (--shard 0/N … N-1/N), each once")
                }
                seen[key] = source
                results.append(r)
                if files[r.corpus]?[r.file] == nil {
                    files[r.corpus, default: [:]][r.file] = CorpusFile(path: r.file, name: r.file, size: r.originalBytes)
                }
            }
            estimates.merge(part.estimates) { a, _ in a }
        }
        let corpora = corpusNames.map { name in
            Corpus(name: name, path: corpusPaths[name] ?? name, files: (files[name] ?? [:]).values.sorted { $0.name < $1.name })
        }
        var corpusIndex: [String: Int] = [:], candidateIndex: [String: Int] = [:]
        var fileIndex: [String: Int] = [:]
        for (i, c) in corpora.enumerated() {
            corpusIndex[c.name] = i
            for (j, f) in c.files.enumerated() { fileIndex[c.name + "\u{0}" + f.name] = j }
        }
        for (i, c) in candidates.enumerated() { candidateIndex[c.label] = i }
        results.sort {
            (corpusIndex[$0.corpus] ?? 0, fileIndex[$0.corpus + "\u{0}" + $0.file] ?? 0, candidateIndex[$0.codec] ?? 0)
                < (corpusIndex[$1.corpus] ?? 0, fileIndex[$1.corpus + "\u{0}" + $1.file] ?? 0, candidateIndex[$1.codec] ?? 0)
        }
        var merged = Comparison(corpora: corpora, candidates: candidates, results: results, repeats: first.repeats, jobs: first.jobs,
                                wallSeconds: parts.reduce(0) { $0 + $1.wallSeconds })
        merged.estimates = estimates
        merged.estimateSeconds = parts.reduce(0) { $0 + $1.estimateSeconds }
        return merged
    }

    /// This shard's slice of the corpora's files (item k of the flattened, walk-ordered
    /// file list belongs to shard k mod N); every corpus stays, possibly empty, so merged
    /// reports keep the corpus order.
    public static func shardFiles(_ corpora: [Corpus], _ shard: Shard) -> [Corpus] {
        var k = 0
        return corpora.map { c in
            var c = c
            c.files = c.files.filter { _ in defer { k += 1 }; return shard.contains(k) }
            return c
        }
    }
}
