// Entropy: estimators (symbol counts, empirical and adaptive code lengths),
// frequency models, canonical Huffman and the arithmetic (range) coders.
//
// Every model and coder that decides a bit or a symbol probability is integer
// only, its tables included (`LogisticTables`), so an archive decodes the same
// on every platform whatever its libm. Double and libm appear only in the
// estimators and cost measures (EmpiricalEntropy, ContextStatistics,
// CountLogTable, AdaptiveCodeLength, AdaptiveModelCost, CTWEstimator,
// PPMEstimator, LZEntropyEstimator, EntropyReport,
// BinaryArithmeticCoder.costOfByte), which only report code lengths (the
// estimate command, the harness): no coder reads them.
@_exported import BitIO
