// Entropy: estimators (symbol counts, empirical and adaptive code lengths),
// frequency models, canonical Huffman and the arithmetic (range) coders.
@_exported import BitIO
