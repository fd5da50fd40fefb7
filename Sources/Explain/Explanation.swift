/// A step-by-step account of one algorithm working on a small input: what
/// `squeeze explain` prints as text, writes as JSON, and steps through in the
/// HTML page. Explainers build one of these from their typed walkthrough; the
/// renderers (`ExplanationText`, `ExplanationHTML`) never know the algorithm.
public struct Explanation: Sendable, Codable, Equatable {
    /// The explainer's name, as typed after `squeeze explain` ("huffman").
    public var algorithm: String
    /// A heading such as "Huffman coding of \"abracadabra\"".
    public var title: String
    /// What was explained: the input as shown (escaped, maybe cut), its size,
    /// and whether later steps summarise rather than list every symbol.
    public var input: InputDescription
    /// The steps, in order; the HTML page shows one at a time.
    public var steps: [Step]
    /// The headline figures (total bits, n·H0, Kraft sum, …) for the last screen
    /// and for tools reading the JSON.
    public var summary: [Fact]
    /// An optional picture of the whole explanation (an SVG document), written by `--svg`.
    public var picture: String?

    public init(algorithm: String, title: String, input: InputDescription,
                steps: [Step] = [], summary: [Fact] = [], picture: String? = nil) {
        self.algorithm = algorithm
        self.title = title
        self.input = input
        self.steps = steps
        self.summary = summary
        self.picture = picture
    }

    public struct InputDescription: Sendable, Codable, Equatable {
        /// The input as printable text (see `ExplainInput.shown`).
        public var shown: String
        /// Its length in symbols (bytes, or integers for the integer codes).
        public var count: Int
        /// True when the steps list only the first symbols and then summarise.
        public var summarised: Bool

        public init(shown: String, count: Int, summarised: Bool = false) {
            self.shown = shown
            self.count = count
            self.summarised = summarised
        }
    }

    /// One screen of the explanation: a title, a few sentences, and any of a
    /// table, preformatted lines (a tree drawing, a matrix) and a picture.
    public struct Step: Sendable, Codable, Equatable {
        public var title: String
        public var text: String
        public var table: Table?
        public var lines: [String]?
        /// An SVG fragment (a whole `<svg>` element) for this step, if a picture helps.
        public var svg: String?

        public init(title: String, text: String = "", table: Table? = nil, lines: [String]? = nil, svg: String? = nil) {
            self.title = title
            self.text = text
            self.table = table
            self.lines = lines
            self.svg = svg
        }
    }

    /// A table whose cells are already formatted; `alignRight` per column.
    public struct Table: Sendable, Codable, Equatable {
        public var columns: [String]
        public var rows: [[String]]
        public var alignRight: [Bool]

        public init(columns: [String], rows: [[String]], alignRight: [Bool]? = nil) {
            self.columns = columns
            self.rows = rows
            self.alignRight = alignRight ?? Array(repeating: false, count: columns.count)
        }
    }

    /// A named figure with its unit-carrying text ("23 bits") and, where it is a
    /// number, the number itself for tools.
    public struct Fact: Sendable, Codable, Equatable {
        public var name: String
        public var value: String
        public var number: Double?

        public init(name: String, value: String, number: Double? = nil) {
            self.name = name
            self.value = value
            self.number = number
        }
    }
}
